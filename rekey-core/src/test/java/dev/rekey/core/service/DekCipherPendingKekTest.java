package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.dek.DekCipher;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.VersionState;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Node A cached a KEK while its version 2 was PENDING; node B promoted it and stored data keys
 * under it. A row naming version 2 is proof that A's copy is old: A must read the KEK again, not
 * treat version 2 as unusable until its cache entry expires (CryptoService does the same).
 */
class DekCipherPendingKekTest {
  @Test
  void aRowUnderAVersionThisNodeCachedAsPending_readsTheKekAgain() {
    Services nodeA = new Services();
    Services nodeB = nodeA.otherNode(Duration.ofMinutes(10));
    nodeA.keys.create(NS, "tenants", KeyType.AES256_GCM, Map.of());
    nodeA.keys.rotate(NS, "tenants", false); // v2 PENDING
    DekCipher onA = new DekCipher(nodeA.cache);
    assertThat(onA.kek(NS, "tenants").key().requireVersion(2).state()).isEqualTo(VersionState.PENDING);

    nodeB.keys.changeVersion(NS, "tenants", 2, VersionAction.PROMOTE, null);

    assertThat(onA.kek(NS, "tenants").key().requireVersion(2).state()).as("A's cache, within its ttl")
        .isEqualTo(VersionState.PENDING);
    assertThat(onA.kekWithVersion(NS, "tenants", 2).key().requireVersion(2).state())
        .isEqualTo(VersionState.PRIMARY);
  }
}
