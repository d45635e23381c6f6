package dev.rekey.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The fast path for the hot single-item requests such as {@code {"plaintext":"<base64>","context":"<base64>"}}:
 * a flat JSON object whose fields are all strings without escapes, scanned once, base64 fields
 * decoded straight from the request bytes (as {@link Call#base64} decodes) without building the
 * string first. It reads a small, exact subset of JSON; everything else goes to Jackson.
 *
 * <p>It only recognises the plain shape. For anything else (a field it does not know, a batch, a
 * null or non-string value, a duplicate, any backslash escape, bad base64, a text value that is
 * not printable ASCII, malformed JSON) {@link #read} returns null, and the caller parses the body with the full mapper, which
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
  Values read(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    // One copy into a Latin-1 string lets indexOf (vectorized) find the quotes.
    String text = new String(body, StandardCharsets.ISO_8859_1);
    if (text.indexOf('\\') >= 0) {
      return null; // escapes: only the full parser decodes them
    }
    Object[] values = new Object[names.length];
    int i = skipSpace(text, 0);
    if (!at(text, i, '{')) {
      return null;
    }
    i = skipSpace(text, i + 1);
    if (at(text, i, '}')) {
      return skipSpace(text, i + 1) == text.length() ? new Values(values) : null;
    }
    while (true) {
      if (!at(text, i, '"')) {
        return null;
      }
      int nameEnd = text.indexOf('"', i + 1);
      int field = nameEnd < 0 ? -1 : field(text, i + 1, nameEnd);
      if (field < 0 || values[field] != null) {
        return null; // unknown (or not a string at all) or duplicate
      }
      i = skipSpace(text, nameEnd + 1);
      if (!at(text, i, ':')) {
        return null;
      }
      i = skipSpace(text, i + 1);
      if (!at(text, i, '"')) {
        return null; // null, numbers, arrays, objects: the full parser says what is wrong
      }
      int valueEnd = text.indexOf('"', i + 1);
      if (valueEnd < 0) {
        return null;
      }
      values[field] = base64[field] ? decode(body, i + 1, valueEnd) : printable(text, i + 1, valueEnd);
      if (values[field] == null) {
        return null;
      }
      i = skipSpace(text, valueEnd + 1);
      if (at(text, i, ',')) {
        i = skipSpace(text, i + 1);
      } else if (at(text, i, '}')) {
        return skipSpace(text, i + 1) == text.length() ? new Values(values) : null;
      } else {
        return null;
      }
    }
  }

  private int field(String text, int from, int to) {
    for (int k = 0; k < names.length; k++) {
      if (names[k].length() == to - from && text.startsWith(names[k], from)) {
        return k;
      }
    }
    return -1;
  }

  private static boolean at(String text, int i, char c) {
    return i < text.length() && text.charAt(i) == c;
  }

  /** JSON whitespace: space, tab, line feed, carriage return. */
  private static int skipSpace(String text, int i) {
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
      i++;
    }
    return i;
  }

  /** Strict base64 (as {@link Call#base64}) of {@code body[from, to)}; null if it is not base64. */
  private static byte[] decode(byte[] body, int from, int to) {
    try {
      ByteBuffer decoded = Base64.getDecoder().decode(ByteBuffer.wrap(body, from, to - from));
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

  /** The text if it is printable ASCII (what needs no JSON decoding), else null. */
  private static String printable(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return null;
      }
    }
    return text.substring(from, to);
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
