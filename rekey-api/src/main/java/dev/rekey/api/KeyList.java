package dev.rekey.api;

import java.util.List;

/** {@code GET /v1/keys}: one page; {@code nextAfter} is the cursor for the next page, null at the end. */
public record KeyList(List<KeyView> keys, String nextAfter) {}
