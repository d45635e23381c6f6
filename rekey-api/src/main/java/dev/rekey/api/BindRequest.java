package dev.rekey.api;

import java.util.Map;

/**
 * {@code POST /v1/consumers/{name}/bindings}: bind to {@code key} by name, or to every key whose tags
 * include {@code selector}. {@code mode}: latest (default) or pinned; {@code version}: the version
 * used now (default: the key's primary; required when pinned).
 */
public record BindRequest(String key, Map<String, String> selector, String mode, Integer version) {}
