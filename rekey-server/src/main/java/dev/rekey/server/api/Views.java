package dev.rekey.server.api;

import dev.rekey.api.GrantView;
import dev.rekey.api.KeyVersionUsage;
import dev.rekey.api.KeyVersionView;
import dev.rekey.api.KeyView;
import dev.rekey.api.SecretRotationConfigView;
import dev.rekey.api.SecretRotationView;
import dev.rekey.api.SecretVersionView;
import dev.rekey.api.SecretView;
import dev.rekey.api.TokenView;
import dev.rekey.core.auth.Grant;
import dev.rekey.core.auth.Role;
import dev.rekey.core.auth.TokenRecord;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyPurpose;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.rotation.RotationConfig;
import dev.rekey.core.secret.rotation.SecretRotation;
import dev.rekey.core.secret.SecretVersion;
import dev.rekey.core.usage.UsageCount;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Domain values to wire records. Nothing secret is ever mapped. */
public final class Views {
  private Views() {}

  public static KeyView key(Key k) {
    return keyWithVersions(k, k.versions().stream().map(Views::version).toList());
  }

  /** The key with the usage of each version (versions without any use show zeros). */
  public static KeyView key(Key k, List<UsageCount> usage) {
    Map<Integer, KeyVersionUsage> byVersion = UsageViews.byVersion(usage);
    return keyWithVersions(k, k.versions().stream()
        .map(v -> version(v, byVersion.getOrDefault(v.number(), KeyVersionUsage.NONE))).toList());
  }

  private static KeyView keyWithVersions(Key k, List<KeyVersionView> versions) {
    return new KeyView(k.namespace(), k.name(), k.type().wireName(),
        k.type().purpose().name().toLowerCase(Locale.ROOT), k.primary().number(), k.latestVersion(),
        k.minDecryptionVersion(), k.minEncryptionVersion(), k.tags(), time(k.createdAt()), versions,
        k.type().purpose() == KeyPurpose.SIGNING ? "/v1/jwks/" + k.namespace() + "/" + k.name() : null,
        k.exportable());
  }

  static KeyVersionView version(KeyVersion v) {
    return version(v, null);
  }

  static KeyVersionView version(KeyVersion v, KeyVersionUsage usage) {
    return new KeyVersionView(v.number(), v.state().wireName(), time(v.createdAt()), time(v.stateChangedAt()),
        time(v.destroyAfter()), usage);
  }

  public static SecretView secret(Secret s) {
    return secret(s, s.versions());
  }

  /**
   * The answer to a put: the secret with its new version and the versions that carry a label
   * (CURRENT, PREVIOUS, PENDING, custom ones), so its size does not grow with the history;
   * {@code GET /v1/secrets/NAME/metadata} lists every version.
   */
  public static SecretView secretWritten(Secret s) {
    java.util.TreeSet<Integer> listed = new java.util.TreeSet<>(s.labels().values()); // the labelled ones
    listed.add(s.latestVersion());
    listed.add(s.current().number());
    s.previous().ifPresent(v -> listed.add(v.number()));
    s.pending().ifPresent(v -> listed.add(v.number()));
    return secret(s, listed.stream().map(s::requireVersion).toList());
  }

  private static SecretView secret(Secret s, List<SecretVersion> listed) {
    List<SecretVersionView> versions = listed.stream().map(v -> new SecretVersionView(v.number(),
        v.state().wireName(), s.labelsOf(v.number()), time(v.lifecycle().createdAt()),
        time(v.lifecycle().stateChangedAt()), time(v.expiresAt()), time(v.lifecycle().destroyAfter()))).toList();
    return new SecretView(s.namespace(), s.name(), s.tags(), s.current().number(),
        s.previous().map(SecretVersion::number).orElse(null), s.pending().map(SecretVersion::number).orElse(null),
        s.latestVersion(), s.labels(), time(s.createdAt()), versions);
  }

  public static SecretRotationView rotation(SecretRotation r) {
    return new SecretRotationView(r.id(), r.secret(), r.rotator(), r.trigger(), r.status().name().toLowerCase(Locale.ROOT),
        r.step().name().toLowerCase(Locale.ROOT), r.pendingVersion(), r.failures(), time(r.nextAttemptAt()),
        r.lastError(), time(r.startedAt()), time(r.updatedAt()), time(r.finishedAt()));
  }

  public static SecretRotationConfigView rotationConfig(RotationConfig c) {
    return new SecretRotationConfigView(c.rotator(), c.params(), duration(c.period()), duration(c.beforeExpiry()),
        time(c.nextDueAt()));
  }

  /** ISO-8601 as people write it: whole days as {@code P30D}, anything else as java.time prints it. */
  public static String duration(java.time.Duration d) {
    if (d == null) {
      return null;
    }
    return d.toSeconds() % 86_400 == 0 && d.getNano() == 0 ? "P" + d.toDays() + "D" : d.toString();
  }

  public static TokenView token(TokenRecord t, String token) {
    return new TokenView(token, t.id(), t.principal(), t.grants().stream().map(Views::grant).toList(),
        time(t.createdAt()), time(t.expiresAt()), time(t.revokedAt()));
  }

  static GrantView grant(Grant g) {
    return new GrantView(g.role().wireName(), g.namespacePattern(), g.keyPattern());
  }

  public static Grant grant(GrantView g) {
    if (g == null || g.role() == null) {
      throw dev.rekey.core.RekeyException.invalid("each grant needs a role");
    }
    return new Grant(Role.fromWire(g.role()), g.namespace() == null ? "*" : g.namespace(),
        g.keys() == null ? "*" : g.keys());
  }

  public static String time(Instant t) {
    return t == null ? null : IsoTime.format(t);
  }
}
