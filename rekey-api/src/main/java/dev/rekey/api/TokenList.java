package dev.rekey.api;

import java.util.List;

/** {@code GET /v1/auth/tokens}: token infos without secrets. */
public record TokenList(List<TokenView> tokens) {}
