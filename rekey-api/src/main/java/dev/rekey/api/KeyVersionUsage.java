package dev.rekey.api;

/**
 * How often a key version was used, per operation, by all nodes (stored counts plus what the
 * answering node has not stored yet; other nodes' counts arrive with their next flush), and when it
 * was last used for anything (ISO-8601, coarse to about a second; null when never). {@code rewrap}
 * counts rewraps that read this version; {@code datakey} data keys it wrapped; {@code macVerify}
 * and {@code verify} checks that ran with it, whatever their result.
 */
public record KeyVersionUsage(
    long encrypt,
    long decrypt,
    long rewrap,
    long datakey,
    long mac,
    long macVerify,
    long sign,
    long verify,
    String lastUsedAt) {

  /** No use at all. */
  public static final KeyVersionUsage NONE = new KeyVersionUsage(0, 0, 0, 0, 0, 0, 0, 0, null);

  /** The sum of all counts. */
  public long total() {
    return encrypt + decrypt + rewrap + datakey + mac + macVerify + sign + verify;
  }
}
