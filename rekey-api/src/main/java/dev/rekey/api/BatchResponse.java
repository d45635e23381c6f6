package dev.rekey.api;

import java.util.List;

/**
 * Answer to a batch request: {@code {"batch_results":[...]}}, one result per request item in the
 * same order; {@code T} is {@link EncryptResult} (encrypt, rewrap) or {@link DecryptResult}.
 */
public record BatchResponse<T>(List<T> batchResults) {}
