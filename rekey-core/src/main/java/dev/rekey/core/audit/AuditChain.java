package dev.rekey.core.audit;

import dev.rekey.core.crypto.Hex;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The hash chain of the audit trail and its canonical encodings (version 1, frozen by known-answer
 * tests: changing a byte here makes every stored chain unverifiable).
 *
 * <p>A record's hash is {@code hex(SHA-256(rawBytes(prevHash) || canonical(seq, event)))}. The
 * canonical encoding is a fixed sequence of fields: a domain tag, {@code seq} as a big-endian
 * int64, the time as epoch seconds (int64) and nanoseconds (int32), then requestId, principal,
 * tokenId, action, namespace, keyName, version (int32), outcome, errorCode, clientAddress and
 * details. Each text field is either {@code 0x00} (null) or {@code 0x01}, a big-endian uint32 byte
 * length and the UTF-8 bytes, so null, empty and shifted values never collide.
 *
 * <p>Events are {@linkplain #normalize normalized} before chaining: times are truncated to whole
 * microseconds (what PostgreSQL and SQLite adapters can store exactly), and unpaired UTF-16
 * surrogates (so the UTF-8 encoding is injective) and C0 control characters (NUL cannot be stored
 * in PostgreSQL text; none belongs in a log) become U+FFFD. A store must round-trip every
 * field of a normalized event exactly.
 *
 * <p>Stateless and thread-safe; {@link #INSTANCE} is the chainer to hand to
 * {@link dev.rekey.core.port.AuditRepository#append}.
 */
public final class AuditChain implements AuditChainer {
  public static final AuditChain INSTANCE = new AuditChain();

  static final byte[] RECORD_TAG = "rekey.audit.record.v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHECKPOINT_TAG = "rekey.audit.checkpoint.v1".getBytes(StandardCharsets.US_ASCII);
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(AuditChain::newDigest);

  private AuditChain() {}

  /** Chains {@code events} after {@code head}: seqs {@code head.seq()+1 ...}, each linked to the previous hash. */
  @Override
  public List<AuditRecord> chain(ChainHead head, List<AuditEvent> events) {
    return chainEncoded(head, events).records();
  }

  @Override
  public Encoded chainEncoded(ChainHead head, List<AuditEvent> events) {
    Objects.requireNonNull(head, "head");
    List<AuditRecord> out = new ArrayList<>(events.size());
    List<byte[]> canonical = new ArrayList<>(events.size());
    List<byte[]> rawHashes = new ArrayList<>(events.size());
    long seq = head.seq();
    String prev = head.hash();
    byte[] prevRaw = decodeHash(prev);
    for (AuditEvent e : events) {
      seq++;
      AuditEvent event = normalize(e);
      byte[] bytes = encode(seq, event, false);
      canonical.add(bytes);
      prevRaw = digest(prevRaw, bytes);
      rawHashes.add(prevRaw);
      String hash = Hex.encode(prevRaw);
      out.add(new AuditRecord(seq, event, prev, hash));
      prev = hash;
    }
    return new Encoded(out, canonical, rawHashes);
  }

  /** {@code hex(SHA-256(rawBytes(prevHash) || canonical(seq, event)))}; {@code prevHash} is 64 hex digits. */
  public static String hash(String prevHash, long seq, AuditEvent event) {
    return Hex.encode(digest(decodeHash(prevHash), canonical(seq, event)));
  }

  private static byte[] decodeHash(String hex) {
    if (hex == null || hex.length() != 64) {
      throw new IllegalArgumentException("a chain hash is 64 hex digits");
    }
    return Hex.decode(hex);
  }

  private static byte[] digest(byte[] prev, byte[] canonical) {
    MessageDigest d = SHA256.get();
    d.reset();
    d.update(prev);
    d.update(canonical);
    return d.digest();
  }

  /** Recomputes the hash of {@code record} from its own seq, event and prevHash. */
  public static String recompute(AuditRecord record) {
    return hash(record.prevHash(), record.seq(), record.event());
  }

  /** The canonical bytes of one record; the event must be {@linkplain #normalize normalized}. */
  public static byte[] canonical(long seq, AuditEvent e) {
    return encode(seq, e, true);
  }

  /** {@code checked}: refuse text that is not well-formed (skipped where the event was just normalized). */
  private static byte[] encode(long seq, AuditEvent e, boolean checked) {
    Writer w = new Writer(256, checked);
    w.text(RECORD_TAG);
    w.int64(seq);
    w.instant(e.time());
    w.text(e.requestId());
    w.text(e.principal());
    w.text(e.tokenId());
    w.text(e.action());
    w.text(e.namespace());
    w.text(e.keyName());
    w.int32(e.version());
    w.text(e.outcome());
    w.text(e.errorCode());
    w.text(e.clientAddress());
    w.text(e.details());
    return w.toByteArray();
  }

  /** A record's position and event, read back from its canonical bytes. */
  public record Decoded(long seq, AuditEvent event) {}

  /**
   * Reads {@code length} bytes at {@code offset} written by {@link #canonical}: the inverse of
   * the encoding, so storage can keep the canonical bytes themselves. Throws
   * IllegalArgumentException when they are not exactly one well-formed record encoding.
   */
  public static Decoded decodeCanonical(byte[] buf, int offset, int length) {
    return CanonicalDecoder.decode(buf, offset, length);
  }

  /** The bytes an audit checkpoint signature covers: tag, seq, hash, time, key id. */
  public static byte[] checkpointBytes(long seq, String hash, Instant at, String keyId) {
    Writer w = new Writer(128, true);
    w.text(CHECKPOINT_TAG);
    w.int64(seq);
    w.text(hash);
    w.instant(at);
    w.text(keyId);
    return w.toByteArray();
  }

  /**
   * The event as it will be stored: time truncated to microseconds, unpaired surrogates replaced.
   * Returns {@code event} itself when it is already normal.
   */
  public static AuditEvent normalize(AuditEvent e) {
    Instant t = e.time().truncatedTo(ChronoUnit.MICROS);
    boolean textOk = normal(e.requestId()) && normal(e.principal()) && normal(e.tokenId())
        && normal(e.action()) && normal(e.namespace()) && normal(e.keyName())
        && normal(e.outcome()) && normal(e.errorCode()) && normal(e.clientAddress())
        && normal(e.details());
    if (textOk) {
      return t.equals(e.time()) ? e : new AuditEvent(t, e.requestId(), e.principal(), e.tokenId(), e.action(),
          e.namespace(), e.keyName(), e.version(), e.outcome(), e.errorCode(), e.clientAddress(), e.details());
    }
    return new AuditEvent(t, fix(e.requestId()), fix(e.principal()), fix(e.tokenId()), fix(e.action()),
        fix(e.namespace()), fix(e.keyName()), e.version(), fix(e.outcome()), fix(e.errorCode()),
        fix(e.clientAddress()), fix(e.details()));
  }

  /** Truncates a checkpoint time to microseconds, like event times. */
  public static Instant normalize(Instant at) {
    return at.truncatedTo(ChronoUnit.MICROS);
  }

  private static boolean wellFormed(String s) {
    if (s == null) {
      return true;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Well-formed and free of C0 control characters (a NUL, say, which PostgreSQL cannot store in text); one pass. */
  private static boolean normal(String s) {
    if (s == null) {
      return true;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20) {
        return false;
      }
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  private static String fix(String s) {
    if (normal(s)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c) || c < 0x20) {
        b.append('\uFFFD');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Big-endian, length-prefixed field writer (unsynchronized, unlike ByteArrayOutputStream). */
  private static final class Writer {
    private final boolean checked;
    private byte[] buf;
    private int pos;

    Writer(int size, boolean checked) {
      this.buf = new byte[size];
      this.checked = checked;
    }

    private void ensure(int more) {
      if (pos + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
      }
    }

    void int64(long v) {
      int32((int) (v >>> 32));
      int32((int) v);
    }

    void int32(int v) {
      ensure(4);
      buf[pos++] = (byte) (v >>> 24);
      buf[pos++] = (byte) (v >>> 16);
      buf[pos++] = (byte) (v >>> 8);
      buf[pos++] = (byte) v;
    }

    void instant(Instant t) {
      int64(t.getEpochSecond());
      int32(t.getNano());
    }

    void text(String s) {
      if (s == null) {
        ensure(1);
        buf[pos++] = 0;
      } else {
        if (checked && !wellFormed(s)) {
          throw new IllegalArgumentException("audit text is not well-formed UTF-16; normalize the event first");
        }
        text(s.getBytes(StandardCharsets.UTF_8));
      }
    }

    void text(byte[] utf8) {
      ensure(1);
      buf[pos++] = 1;
      int32(utf8.length);
      ensure(utf8.length);
      System.arraycopy(utf8, 0, buf, pos, utf8.length);
      pos += utf8.length;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, pos);
    }
  }
}
