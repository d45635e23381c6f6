package dev.rekey.core.audit;

/** The last record of the chain; {@code seq} 0 and {@link #GENESIS_HASH} for an empty chain. */
public record ChainHead(long seq, String hash) {
  public static final String GENESIS_HASH = "0".repeat(64);
  public static final ChainHead EMPTY = new ChainHead(0, GENESIS_HASH);
}
