package dev.rekey.api;

import java.util.List;

/** {@code POST /v1/auth/tokens}; {@code ttl} is an optional ISO-8601 duration such as PT24H. */
public record TokenCreateRequest(String principal, List<GrantView> grants, String ttl) {}
