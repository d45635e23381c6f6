package dev.rekey.api;

import java.util.List;
import java.util.Map;

/** A secret's metadata and version history; never a value. */
public record SecretView(String namespace, String name, Map<String, String> tags, int currentVersion,
    Integer previousVersion, Integer pendingVersion, int latestVersion, Map<String, Integer> labels,
    String createdAt, List<SecretVersionView> versions) {}
