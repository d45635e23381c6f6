package dev.rekey.core.root;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node answers when the stored root keyring it re-reads cannot be read: it does not decode,
 * or this node's seal does not open it (bad stored state, or another installation's keyring). The
 * node keeps the keyring it holds and answers what needs the stored one with SEALED (503): it
 * cannot serve that now, another node or a later try may. One log line per stored value, without
 * any of its bytes; the background re-read every second does not repeat it.
 */
final class UnreadableStoredKeyring {
  private static final Logger LOG = LoggerFactory.getLogger(RootOfTrust.class);

  private byte[] reported;

  /** The refusal for the stored value {@code stored}, which failed to decode or open with {@code cause}. */
  synchronized RekeyException refusal(byte[] stored, RuntimeException cause) {
    String why = cause instanceof RekeyException e && e.code() == ErrorCode.DECRYPTION_FAILED
        ? "this node's seal does not open it" : "it is corrupt";
    if (!Arrays.equals(stored, reported)) {
      reported = stored.clone();
      LOG.warn("the stored root keyring cannot be read: {}; this node keeps the keyring it holds (if unsealed) and"
          + " refuses what needs the stored one with 503 sealed until it can be read", why);
    }
    return new RekeyException(ErrorCode.SEALED, "the stored root keyring cannot be read (" + why + "); this node"
        + " cannot serve this request now: retry later or on another node, and see the server log");
  }
}
