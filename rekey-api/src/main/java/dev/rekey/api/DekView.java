package dev.rekey.api;

import java.util.List;

/**
 * A tenant's server-held data key under KEK {@code key}: its latest version (the one fetched by
 * default) and, when shown alone, every version. Metadata only.
 */
public record DekView(String namespace, String key, String tenant, int latestVersion, int kekVersion,
    String createdAt, List<DekVersionView> versions) {}
