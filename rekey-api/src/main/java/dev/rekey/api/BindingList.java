package dev.rekey.api;

import java.util.List;

/** A list of bindings (for example {@code GET /v1/bindings?state=STALE}). */
public record BindingList(List<BindingView> bindings) {}
