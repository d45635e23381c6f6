package dev.rekey.server.http;

import dev.rekey.core.crypto.VersionedText;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A response body already encoded as JSON, for the hot crypto answers whose values are base64 or
 * {@code rekey:vN:} text: those never need escaping, so writing them skips the serializer's
 * per-character scan. Field names are the callers' constants, which need no escaping either.
 */
public final class RawJson {
  private final byte[] bytes;

  private RawJson(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * {@code {"<name>":"rekey:vN:<base64>","version":N}} for {@code sealed}: the base64 is encoded once,
   * straight into the answer, without building the text (a string, its concatenation with the
   * header, and its bytes, each a copy of the whole value).
   */
  public static RawJson versionedText(String name, VersionedText sealed) {
    return base64AndVersion(name, VersionedText.header(sealed.version()), sealed.bytes(), sealed.version());
  }

  /** {@code {"<name>":"<base64 of raw>","version":<version>}}, encoded as {@link #versionedText} does. */
  public static RawJson base64AndVersion(String name, byte[] raw, int version) {
    return base64AndVersion(name, "", raw, version);
  }

  private static RawJson base64AndVersion(String name, String prefix, byte[] raw, int version) {
    byte[] head = ("{\"" + name + "\":\"" + prefix).getBytes(StandardCharsets.US_ASCII);
    byte[] value = Base64.getEncoder().encode(raw);
    byte[] tail = ("\",\"version\":" + version + "}").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + value.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(value, 0, out, head.length, value.length);
    System.arraycopy(tail, 0, out, head.length + value.length, tail.length);
    Arrays.fill(value, (byte) 0); // a plaintext's base64 is as secret as the plaintext
    return new RawJson(out);
  }

  /** JSON the serializer already produced (so it can be hashed for an ETag before sending). */
  public static RawJson serialized(byte[] json) {
    return new RawJson(json.clone());
  }

  byte[] bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return "RawJson[" + bytes.length + " bytes]";
  }
}
