package dev.rekey.store;

import dev.rekey.core.audit.AuditChain;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditRecord;
import dev.rekey.core.crypto.Hex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The storage form of one audit group commit: consecutive records in one row of
 * {@code audit_blocks}. One row per batch instead of one per record makes a record cost a few
 * hundred bytes appended to a blob rather than a B-tree insert of fifteen columns.
 *
 * <p>Format 1: a format byte, the 32-byte hash the first record links to, then per record a
 * big-endian uint32 length, the record's canonical bytes ({@link AuditChain#canonical}: the exact
 * input of its hash, holding its seq and every field) and its 32-byte hash. Each record's previous
 * hash is the stored hash before it, so {@link #decode} returns records the verifier checks exactly
 * as it checks rows: a changed field no longer matches the record's stored hash.
 *
 * <p>Decoding never throws on damaged bytes: a record that cannot be read comes back as an
 * {@linkplain #UNREADABLE unreadable} record at the position it should have had, whose hash cannot
 * match, and decoding stops there, so {@code audit verify} reports where the damage starts.
 */
public final class AuditBlock {
  static final byte FORMAT = 1;
  private static final int HASH_BYTES = 32;

  /** The action and outcome of a record whose stored bytes cannot be read. */
  public static final String UNREADABLE = "unreadable";

  private AuditBlock() {}

  /** Encodes consecutive, chained records (each linking to the hash of the one before). */
  public static byte[] encode(List<AuditRecord> records) {
    return encode(records, records.stream().map(r -> AuditChain.canonical(r.seq(), r.event())).toList(),
        records.stream().map(r -> Hex.decode(r.hash())).toList());
  }

  /** Same, with each record's canonical bytes and raw hash at hand (from {@code AuditChainer.chainEncoded}). */
  static byte[] encode(List<AuditRecord> records, List<byte[]> canonical, List<byte[]> rawHashes) {
    if (records.isEmpty() || canonical.size() != records.size() || rawHashes.size() != records.size()) {
      throw new IllegalArgumentException("an audit block holds at least one record, each with its encoding and hash");
    }
    int size = 1 + HASH_BYTES;
    for (byte[] c : canonical) {
      size += 4 + c.length + HASH_BYTES;
    }
    byte[] out = new byte[size];
    out[0] = FORMAT;
    int pos = hash(out, 1, Hex.decode(records.get(0).prevHash()));
    for (int i = 0; i < records.size(); i++) {
      byte[] c = canonical.get(i);
      out[pos] = (byte) (c.length >>> 24);
      out[pos + 1] = (byte) (c.length >>> 16);
      out[pos + 2] = (byte) (c.length >>> 8);
      out[pos + 3] = (byte) c.length;
      System.arraycopy(c, 0, out, pos + 4, c.length);
      pos = hash(out, pos + 4 + c.length, rawHashes.get(i));
    }
    return out;
  }

  /** The records of a block stored at {@code firstSeq}, in order; see the class comment for damaged blocks. */
  public static List<AuditRecord> decode(long firstSeq, byte[] block) {
    List<AuditRecord> out = new ArrayList<>();
    if (block == null || block.length < 1 + HASH_BYTES || block[0] != FORMAT) {
      out.add(unreadable(firstSeq, null));
      return out;
    }
    String prev = Hex.encode(Arrays.copyOfRange(block, 1, 1 + HASH_BYTES));
    int pos = 1 + HASH_BYTES;
    long expected = firstSeq;
    while (pos < block.length) {
      if (block.length - pos < 4) {
        out.add(unreadable(expected, prev));
        return out;
      }
      int length = ((block[pos] & 0xff) << 24) | ((block[pos + 1] & 0xff) << 16) | ((block[pos + 2] & 0xff) << 8)
          | (block[pos + 3] & 0xff);
      pos += 4;
      if (length < 0 || length > block.length - pos - HASH_BYTES) {
        out.add(unreadable(expected, prev));
        return out;
      }
      String hash = Hex.encode(Arrays.copyOfRange(block, pos + length, pos + length + HASH_BYTES));
      AuditRecord record;
      try {
        AuditChain.Decoded d = AuditChain.decodeCanonical(block, pos, length);
        record = new AuditRecord(d.seq(), d.event(), prev, hash);
      } catch (IllegalArgumentException e) {
        record = new AuditRecord(expected, unreadableEvent(), prev, hash);
      }
      out.add(record);
      prev = hash;
      expected = record.seq() + 1;
      pos += length + HASH_BYTES;
    }
    return out;
  }

  private static AuditRecord unreadable(long seq, String prev) {
    return new AuditRecord(seq, unreadableEvent(), prev == null ? "" : prev, "");
  }

  private static AuditEvent unreadableEvent() {
    return new AuditEvent(Instant.EPOCH, null, null, null, UNREADABLE, null, null, 0, UNREADABLE, null, null, null);
  }

  private static int hash(byte[] out, int pos, byte[] raw) {
    if (raw.length != HASH_BYTES) {
      throw new IllegalArgumentException("an audit hash is 32 bytes");
    }
    System.arraycopy(raw, 0, out, pos, HASH_BYTES);
    return pos + HASH_BYTES;
  }
}
