package dev.rekey.server;

import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Grant;
import dev.rekey.core.auth.Role;
import dev.rekey.core.port.MaterialRepository;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.root.RootStatus;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.TokenService;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's view of the root of trust: initialization also issues the root token, unsealing
 * finishes an interrupted root key rotation, sealing drops every cached key.
 */
public final class RootLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(RootLifecycle.class);
  private final RootOfTrust root;
  private final TokenService tokens;
  private final KeyCache cache;
  private final List<Runnable> alsoCleared = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<MaterialRepository<?>> keys;

  /** What {@code init} hands out, once: unseal shares (Shamir only) and the root token. */
  public record Initialized(List<String> shares, String rootToken) {
    @Override
    public String toString() {
      return "Initialized[" + shares.size() + " shares, redacted]";
    }
  }

  /** {@code keys}: every store of root-wrapped material (keys, secrets), re-wrapped by root rotation. */
  public RootLifecycle(RootOfTrust root, TokenService tokens, KeyCache cache, List<MaterialRepository<?>> keys) {
    this.root = root;
    this.tokens = tokens;
    this.cache = cache;
    this.keys = List.copyOf(keys);
  }

  public Initialized init(Integer shares, Integer threshold) {
    root.refuseIfInitialized(); // before the request's fields: a second init is 409 whatever it asks for
    List<String> issued;
    TokenService.Issued[] issuedToken = new TokenService.Issued[1];
    // the root token is stored with the keyring: never a server initialized without one
    Runnable rootToken = () -> issuedToken[0] = tokens.create("root", List.of(Grant.everywhere(Role.ADMIN)), null,
        "init");
    if ("shamir".equals(root.sealType())) {
      if (shares == null || threshold == null) {
        throw RekeyException.invalid("the shamir seal needs 'shares' and 'threshold'");
      }
      issued = root.init(shares, threshold, rootToken);
    } else {
      if (shares != null || threshold != null) {
        throw RekeyException.invalid("the " + root.sealType() + " seal takes no 'shares' or 'threshold'");
      }
      issued = root.init(rootToken);
    }
    TokenService.Issued token = issuedToken[0];
    LOG.info("Rekey initialized with the {} seal; root token {} issued", root.sealType(), token.record().id());
    return new Initialized(issued, token.token());
  }

  public RootStatus unseal(String share) {
    RootStatus s = root.unseal(share);
    if (!s.sealed()) {
      afterUnseal();
    }
    return s;
  }

  /** Opens a file or PKCS#11 seal at start when initialized. */
  public void autoUnsealIfPossible() {
    RootStatus s = root.status();
    if (s.initialized() && s.sealed() && !"shamir".equals(s.sealType())) {
      root.autoUnseal();
      afterUnseal();
    }
  }

  private void afterUnseal() {
    if (root.status().rotationPending()) {
      int n = root.resumeRootRotation(keys);
      LOG.info("finished an interrupted root key rotation: {} keys and secrets re-wrapped", n);
    }
  }

  public RootStatus resetUnseal() {
    return root.resetUnseal();
  }

  public void seal() {
    root.seal();
    cache.clear();
    alsoCleared.forEach(Runnable::run);
  }

  public int rotateRoot() {
    int n = root.rotateRoot(keys);
    cache.clear();
    alsoCleared.forEach(Runnable::run);
    return n;
  }

  /** Another cache of unwrapped material (secrets) to drop on seal and root key rotation, like the key cache. */
  public void alsoClear(Runnable clearCache) {
    alsoCleared.add(clearCache);
  }

  public String currentRootKeyId() {
    return root.keyring().currentId();
  }

  public RootStatus status() {
    return root.status();
  }

  /**
   * Throws SEALED, or NOT_INITIALIZED when the server was never initialized. Cheap enough for
   * every request: a volatile read when unsealed.
   */
  public void requireUnsealed() {
    root.keyring();
  }

  /** Cheap enough for every request: a volatile read when unsealed. */
  public boolean sealed() {
    try {
      root.keyring();
      return false;
    } catch (RekeyException e) {
      return true;
    }
  }

  public RootOfTrust root() {
    return root;
  }
}
