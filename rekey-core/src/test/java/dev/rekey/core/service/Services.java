package dev.rekey.core.service;

import dev.rekey.core.testing.MutableClock;

import dev.rekey.core.port.StoredDekVersions;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.testing.InMemoryEventOutbox;
import dev.rekey.core.testing.InMemoryKeyRepository;
import java.time.Duration;
import java.time.Instant;

/** One node's services over an in-memory repository and a freshly generated root keyring. */
final class Services {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration MIN_DESTROY_WAIT = Duration.ofDays(7);
  static final String NS = "default";

  final MutableClock clock = new MutableClock(T0);
  final InMemoryKeyRepository repo;
  final InMemoryEventOutbox events = new InMemoryEventOutbox();
  final RootKeyring ring;
  final KeyCache cache;
  final KeyService keys;
  final CryptoService crypto;

  Services() {
    this(StoredDekVersions.NONE);
  }

  /** With {@code storedDeks} counting the stored data keys that key versions wrap. */
  Services(StoredDekVersions storedDeks) {
    this(new InMemoryKeyRepository(), RootKeyring.generate(T0), Duration.ofMinutes(10), storedDeks);
  }

  Services(InMemoryKeyRepository repo, RootKeyring ring, Duration cacheTtl) {
    this(repo, ring, cacheTtl, StoredDekVersions.NONE);
  }

  private Services(InMemoryKeyRepository repo, RootKeyring ring, Duration cacheTtl, StoredDekVersions storedDeks) {
    this.repo = repo;
    this.ring = ring;
    this.cache = new KeyCache(repo, () -> ring, cacheTtl);
    this.keys = new KeyService(repo, dev.rekey.core.port.Transactions.direct(), events, () -> ring, cache, clock,
        MIN_DESTROY_WAIT, storedDeks);
    this.crypto = new CryptoService(cache);
  }

  /** Another node: its own cache and services over the same repository and keyring. */
  Services otherNode(Duration cacheTtl) {
    return new Services(repo, ring, cacheTtl);
  }
}
