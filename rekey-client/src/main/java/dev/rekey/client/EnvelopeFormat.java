package dev.rekey.client;

import dev.rekey.api.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The binary envelope of docs/envelope.md, version 1:
 * {@code "RKEV" | 0x01 | u16 wrapped-key length | wrapped key (ASCII) | 12-byte nonce | ciphertext+16-byte tag}.
 * Everything before the ciphertext is the header, authenticated as associated data. Parsing
 * enforces hard limits and fails with one {@link ErrorCode#DECRYPTION_FAILED}.
 */
final class EnvelopeFormat {
  static final byte[] MAGIC = {'R', 'K', 'E', 'V'};
  static final byte VERSION = 1;
  static final int NONCE_LENGTH = 12;
  static final int TAG_LENGTH = 16;
  static final int MAX_WRAPPED_KEY_LENGTH = 1024;

  /** A parsed envelope; its parts are not secret. */
  static final class Parsed {
    final byte[] header;
    final String wrappedKey;
    final byte[] nonce;
    final byte[] ciphertext;

    Parsed(byte[] header, String wrappedKey, byte[] nonce, byte[] ciphertext) {
      this.header = header;
      this.wrappedKey = wrappedKey;
      this.nonce = nonce;
      this.ciphertext = ciphertext;
    }
  }

  private EnvelopeFormat() {}

  /** The header for a wrapped key and nonce. */
  static byte[] header(String wrappedKey, byte[] nonce) {
    byte[] wrapped = wrappedKey.getBytes(StandardCharsets.US_ASCII);
    if (wrapped.length == 0 || wrapped.length > MAX_WRAPPED_KEY_LENGTH) {
      throw new IllegalArgumentException("wrapped key length " + wrapped.length + " is out of range");
    }
    if (nonce.length != NONCE_LENGTH) {
      throw new IllegalArgumentException("nonce must be " + NONCE_LENGTH + " bytes");
    }
    return ByteBuffer.allocate(MAGIC.length + 1 + 2 + wrapped.length + NONCE_LENGTH)
        .put(MAGIC).put(VERSION).putShort((short) wrapped.length).put(wrapped).put(nonce)
        .array();
  }

  /** The envelope: header followed by ciphertext and tag. */
  static byte[] assemble(byte[] header, byte[] ciphertextAndTag) {
    byte[] out = Arrays.copyOf(header, header.length + ciphertextAndTag.length);
    System.arraycopy(ciphertextAndTag, 0, out, header.length, ciphertextAndTag.length);
    return out;
  }

  static Parsed parse(byte[] envelope) {
    if (envelope == null || envelope.length < MAGIC.length + 3) {
      throw malformed();
    }
    ByteBuffer in = ByteBuffer.wrap(envelope);
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    if (!Arrays.equals(magic, MAGIC) || in.get() != VERSION) {
      throw malformed();
    }
    int wrappedLength = Short.toUnsignedInt(in.getShort());
    if (wrappedLength == 0 || wrappedLength > MAX_WRAPPED_KEY_LENGTH
        || in.remaining() < wrappedLength + NONCE_LENGTH + TAG_LENGTH) {
      throw malformed();
    }
    byte[] wrapped = new byte[wrappedLength];
    in.get(wrapped);
    for (byte b : wrapped) {
      if (b < 0x21 || b > 0x7e) {
        throw malformed();
      }
    }
    byte[] nonce = new byte[NONCE_LENGTH];
    in.get(nonce);
    byte[] header = Arrays.copyOf(envelope, in.position());
    byte[] ciphertext = new byte[in.remaining()];
    in.get(ciphertext);
    return new Parsed(header, new String(wrapped, StandardCharsets.US_ASCII), nonce, ciphertext);
  }

  static RekeyClientException malformed() {
    return RekeyClientException.local(ErrorCode.DECRYPTION_FAILED, "not a valid Rekey envelope");
  }
}
