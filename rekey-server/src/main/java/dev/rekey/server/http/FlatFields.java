package dev.rekey.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * The fast path for the hot single-item requests such as {@code {"plaintext":"<base64>","context":"<base64>"}}:
 * a flat JSON object of string fields read with Jackson's streaming parser, base64 fields decoded
 * straight from the request bytes (strict RFC 4648, like {@link Call#base64}) without building the
 * string first.
 *
 * <p>It only recognises the plain shape. For anything else (a field it does not know, a batch, a
 * null or non-string value, a duplicate, an escape inside a base64 value, bad base64, malformed
 * JSON) {@link #read} returns null, and the caller parses the body with the full mapper, which
 * accepts or refuses it with the usual errors: both paths give the same answer to every body.
 */
public final class FlatFields {
  private final String[] names;
  private final boolean[] base64;

  private FlatFields(String[] names, boolean[] base64) {
    this.names = names;
    this.base64 = base64;
  }

  /** Fields named {@code b64:NAME} are base64 (read with {@link Values#bytes}); others text. */
  public static FlatFields of(String... fields) {
    String[] names = new String[fields.length];
    boolean[] base64 = new boolean[fields.length];
    for (int i = 0; i < fields.length; i++) {
      base64[i] = fields[i].startsWith("b64:");
      names[i] = base64[i] ? fields[i].substring(4) : fields[i];
    }
    return new FlatFields(names, base64);
  }

  /** The values in declaration order (absent fields are null), or null: use the full parser. */
  Values read(JsonFactory factory, byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    Object[] values = new Object[names.length];
    try (JsonParser p = factory.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        int i = indexOf(p.currentName());
        if (i < 0 || values[i] != null || p.nextToken() != JsonToken.VALUE_STRING) {
          return null;
        }
        values[i] = base64[i] ? decode(p, body) : p.getText();
        if (values[i] == null) {
          return null;
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
      return new Values(values);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private int indexOf(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Decodes the current string token from the raw bytes; null if it holds an escape or is not base64. */
  private static byte[] decode(JsonParser p, byte[] body) {
    long quote = p.currentTokenLocation().getByteOffset();
    if (quote < 0 || quote >= body.length || body[(int) quote] != '"') {
      return null;
    }
    int from = (int) quote + 1;
    int end = from;
    while (end < body.length && body[end] != '"') {
      if (body[end] == '\\') {
        return null;
      }
      end++;
    }
    if (end >= body.length) {
      return null;
    }
    try {
      ByteBuffer decoded = Base64.getDecoder().decode(ByteBuffer.wrap(body, from, end - from));
      if (decoded.hasArray() && decoded.arrayOffset() == 0 && decoded.position() == 0
          && decoded.remaining() == decoded.array().length) {
        return decoded.array();
      }
      byte[] out = new byte[decoded.remaining()];
      decoded.get(out);
      return out;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Values read by {@link FlatFields#read}. */
  public static final class Values {
    private final Object[] values;

    private Values(Object[] values) {
      this.values = values;
    }

    /** A base64 field, decoded; null when absent. */
    public byte[] bytes(int index) {
      return (byte[]) values[index];
    }

    /** A text field; null when absent. */
    public String text(int index) {
      return (String) values[index];
    }

    @Override
    public String toString() {
      return "FlatFields.Values[" + values.length + " fields, redacted]";
    }
  }
}
