package dev.rekey.api;

import java.util.List;

/** {@code GET /v1/keys/{name}/deks}: one page by tenant; {@code nextAfter} is the next cursor, null at the end. */
public record DekList(List<DekView> deks, String nextAfter) {}
