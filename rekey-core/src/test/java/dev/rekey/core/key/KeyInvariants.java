package dev.rekey.core.key;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks every key-wide invariant a {@link Key} must hold after any operation. */
final class KeyInvariants {
  private KeyInvariants() {}

  static void check(Key key) {
    long primaries = key.versions().stream().filter(v -> v.state() == VersionState.PRIMARY).count();
    assertThat(primaries).as("exactly one primary in %s", key).isEqualTo(1);
    for (int i = 0; i < key.versions().size(); i++) {
      KeyVersion v = key.versions().get(i);
      assertThat(v.number()).as("version numbers 1..n").isEqualTo(i + 1);
      assertThat(v.material() == null).as("material iff not destroyed, v%s", v.number())
          .isEqualTo(v.state() == VersionState.DESTROYED);
      assertThat(v.destroyAfter() != null).as("destroyAfter iff scheduled, v%s", v.number())
          .isEqualTo(v.state() == VersionState.DESTROY_SCHEDULED);
      if (v.revokedAt() != null) {
        assertThat(v.state()).as("a revoked version v%s never comes back", v.number())
            .isIn(VersionState.REVOKED, VersionState.DESTROY_SCHEDULED, VersionState.DESTROYED);
      }
      if (v.state() == VersionState.ACTIVE) {
        assertThat(v.number()).as("an ACTIVE version is at or above the minimum decryption version")
            .isGreaterThanOrEqualTo(key.minDecryptionVersion());
      }
    }
    int primary = key.primary().number();
    assertThat(key.minDecryptionVersion()).isBetween(1, primary);
    assertThat(key.minEncryptionVersion()).isBetween(1, primary);
    assertThat(key.canDecryptWith(primary)).as("the primary always decrypts").isTrue();
  }
}
