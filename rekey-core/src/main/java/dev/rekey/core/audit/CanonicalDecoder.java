package dev.rekey.core.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/** The inverse of {@link AuditChain#canonical}: see {@link AuditChain#decodeCanonical}. */
final class CanonicalDecoder {
  private CanonicalDecoder() {}

  static AuditChain.Decoded decode(byte[] buf, int offset, int length) {
    Reader r = new Reader(buf, offset, length);
    byte[] tag = r.bytes();
    if (tag == null || !Arrays.equals(tag, AuditChain.RECORD_TAG)) {
      throw new IllegalArgumentException("not an audit record encoding");
    }
    long seq = r.int64();
    long seconds = r.int64();
    int nanos = r.int32();
    if (nanos < 0 || nanos > 999_999_999) {
      throw new IllegalArgumentException("malformed audit record time");
    }
    String requestId = r.text();
    String principal = r.text();
    String tokenId = r.text();
    String action = r.text();
    String namespace = r.text();
    String keyName = r.text();
    int version = r.int32();
    String outcome = r.text();
    String errorCode = r.text();
    String clientAddress = r.text();
    String details = r.text();
    r.end();
    if (action == null || outcome == null) {
      throw new IllegalArgumentException("an audit record needs an action and an outcome");
    }
    Instant time;
    try {
      time = Instant.ofEpochSecond(seconds, nanos);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("malformed audit record time");
    }
    return new AuditChain.Decoded(seq, new AuditEvent(time, requestId, principal, tokenId, action, namespace, keyName, version,
        outcome, errorCode, clientAddress, details));
  }

  /** Reads what {@code AuditChain.Writer} wrote, bounds-checked: malformed input is an IllegalArgumentException. */
  private static final class Reader {
    private final byte[] buf;
    private final int end;
    private int pos;

    Reader(byte[] buf, int offset, int length) {
      if (offset < 0 || length < 0 || offset > buf.length - length) {
        throw new IllegalArgumentException("audit record bytes out of range");
      }
      this.buf = buf;
      this.pos = offset;
      this.end = offset + length;
    }

    private void need(int n) {
      if (n < 0 || end - pos < n) {
        throw new IllegalArgumentException("truncated audit record encoding");
      }
    }

    int int32() {
      need(4);
      int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
          | (buf[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    long int64() {
      long hi = int32();
      return (hi << 32) | (int32() & 0xffffffffL);
    }

    /** A field's length after its marker, or -1 for null. */
    private int field() {
      need(1);
      byte marker = buf[pos++];
      if (marker == 0) {
        return -1;
      }
      if (marker != 1) {
        throw new IllegalArgumentException("malformed audit record field");
      }
      int n = int32();
      need(n);
      return n;
    }

    byte[] bytes() {
      int n = field();
      if (n < 0) {
        return null;
      }
      pos += n;
      return Arrays.copyOfRange(buf, pos - n, pos);
    }

    String text() {
      int n = field();
      if (n < 0) {
        return null;
      }
      int from = pos;
      pos += n;
      for (int i = from; i < pos; i++) {
        if (buf[i] < 0) {
          return strictUtf8(from, n);
        }
      }
      return new String(buf, from, n, StandardCharsets.ISO_8859_1); // ASCII
    }

    /** Malformed UTF-8 is refused rather than replaced, so what decodes encodes back to the same bytes. */
    private String strictUtf8(int from, int n) {
      try {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(buf, from, n)).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new IllegalArgumentException("malformed UTF-8 in an audit record");
      }
    }

    void end() {
      if (pos != end) {
        throw new IllegalArgumentException("trailing bytes after an audit record encoding");
      }
    }
  }
}
