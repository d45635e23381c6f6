package dev.rekey.server;

import dev.rekey.core.auth.Grant;
import dev.rekey.core.auth.Role;
import dev.rekey.core.root.FileSeal;
import dev.rekey.core.root.Pkcs11Config;
import dev.rekey.core.root.Pkcs11Seal;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.root.Seal;
import dev.rekey.core.root.ShamirSeal;
import dev.rekey.core.service.TokenService;
import dev.rekey.server.config.ServerConfig;
import dev.rekey.store.Dialect;
import dev.rekey.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Opens the configured seal and root of trust, and unseals at startup where that is possible. */
final class RootOfTrustSetup {
  /** Far longer than a group commit takes (milliseconds), short for an operator. */
  static final java.time.Duration IN_FLIGHT_WRITES = java.time.Duration.ofMillis(250);

  private RootOfTrustSetup() {}

  /** The root of trust over the configured seal; still sealed. */
  static RootOfTrust open(Store store, ServerConfig config, Clock clock) {
    RootOfTrust rootOfTrust = new RootOfTrust(store.system(), store.transactions(), openSeal(config), clock);
    // Not for safety (writes check the stored generations in their transactions, see
    // RootOfTrust.requireLive) but so that few writes have to wrap their material again.
    if (store.dialect() == Dialect.POSTGRESQL) {
      // Several nodes may share this database: let them all see a new root generation first.
      rootOfTrust.propagationDelay(BackgroundTasks.KEYRING_REFRESH.multipliedBy(3));
    } else {
      // One node, but writes wrapped under the old generation may still wait in the audit
      // writer's queue (secret puts wrap before their group commit): let them commit first.
      rootOfTrust.propagationDelay(IN_FLIGHT_WRITES);
    }
    return rootOfTrust;
  }

  /**
   * Unseals if the seal allows it without an operator. In dev mode it first initializes the root
   * of trust if needed and makes sure a root token exists.
   *
   * @return the dev root token to show in the banner, or null (not dev mode)
   */
  static String unseal(ServerConfig config, RootLifecycle root, TokenService tokens) {
    if (!config.dev()) {
      root.autoUnsealIfPossible();
      return null;
    }
    String rootToken = null;
    if (!root.root().status().initialized()) {
      RootLifecycle.Initialized init = root.init(null, null);
      rootToken = config.devRootToken() == null ? init.rootToken() : null;
    }
    root.autoUnsealIfPossible();
    if (config.devRootToken() != null) {
      tokens.ensure(config.devRootToken(), "root", List.of(Grant.everywhere(Role.ADMIN)), "dev");
      rootToken = config.devRootToken();
    } else if (rootToken == null) {
      rootToken = tokens.create("root", List.of(Grant.everywhere(Role.ADMIN)), null, "dev").token();
    }
    return rootToken;
  }

  private static Seal openSeal(ServerConfig config) {
    ServerConfig.SealSettings s = config.seal();
    return switch (s.type()) {
      case "file" -> FileSeal.open(s.file());
      case "shamir" -> new ShamirSeal();
      case "pkcs11" -> Pkcs11Seal.open(Pkcs11Config.builder().library(Path.of(s.library()))
          .slotListIndex(s.slotListIndex()).pin(s.pin() == null ? new char[0] : s.pin().toCharArray())
          .keyLabel(s.keyLabel()).build());
      default -> throw new IllegalArgumentException("unknown seal type " + s.type());
    };
  }
}
