package dev.rekey.api;

import java.util.List;

/** {@code GET /v1/consumers}: one page; {@code nextAfter} is the cursor for the next page, null at the end. */
public record ConsumerList(List<ConsumerView> consumers, String nextAfter) {}
