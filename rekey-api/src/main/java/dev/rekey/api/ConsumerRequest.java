package dev.rekey.api;

import java.util.Map;

/**
 * {@code POST /v1/consumers} (register; {@code name} required) and {@code PATCH /v1/consumers/{name}}
 * (null leaves a field unchanged; an empty {@code hookUrl} removes the hook; {@code rotateHookSecret}
 * generates a new signing secret). {@code principal} links the consumer to the token name it uses, so
 * its key operations are observed.
 */
public record ConsumerRequest(String name, String kind, Map<String, String> tags, String owner, String principal,
    String hookUrl, Boolean rotateHookSecret) {}
