package dev.rekey.api;

import java.util.Map;

/**
 * {@code POST /v1/consumers/{name}/bindings}: bind to {@code key} by name, to {@code secret} by name,
 * or to every key whose tags include {@code selector} (exactly one of the three). {@code mode}: latest
 * (default) or pinned; {@code version}: the version used now (default: the key's primary or the
 * secret's CURRENT version; required when pinned).
 */
public record BindRequest(String key, Map<String, String> selector, String mode, Integer version, String secret) {

  /** A binding to a key or by selector (no secret). */
  public BindRequest(String key, Map<String, String> selector, String mode, Integer version) {
    this(key, selector, mode, version, null);
  }
}
