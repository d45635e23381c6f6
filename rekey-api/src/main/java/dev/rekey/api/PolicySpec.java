package dev.rekey.api;

import java.util.List;

/**
 * A rotation policy as written in a policy file and on the wire (snake_case JSON or YAML).
 * {@code scope} is {@code key:<namespace>/<name>}, {@code namespace:<namespace>} or
 * {@code type:<key type>}. Amounts of time are ISO-8601 ({@code P90D}, {@code P3M}, {@code PT12H});
 * at most one of {@code rotationPeriod} and {@code cron} (UTC, five fields) is set, neither means
 * ad hoc rotation. Null fields take their defaults.
 */
public record PolicySpec(
    String scope,
    String rotationPeriod,
    String cron,
    String versionLifetime,
    List<String> notifyBefore,
    String dualRunning,
    Integer retiredToKeep,
    Boolean autoRetire,
    String jitter,
    String publishLead,
    String destroyAfter) {}
