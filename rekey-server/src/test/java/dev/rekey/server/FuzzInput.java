package dev.rekey.server;

import java.util.List;
import java.util.Random;

/**
 * Random request bodies for the fuzz tests: JSON of any shape whose objects mostly use the given
 * field names, with now and then a value that means something to the server (a ciphertext, an
 * ISO-8601 duration). The same seed gives the same inputs.
 */
final class FuzzInput {
  private final Random r;
  private final List<String> fields;
  private final List<String> samples;

  /** {@code fields}: object member names to use; {@code samples}: string values to put in now and then. */
  FuzzInput(Random r, List<String> fields, List<String> samples) {
    if (fields.isEmpty() || samples.isEmpty()) {
      throw new IllegalArgumentException("at least one field name and one sample value");
    }
    this.r = r;
    this.fields = fields;
    this.samples = samples;
  }

  /** One of the field names. */
  String field() {
    return fields.get(r.nextInt(fields.size()));
  }

  /** Any JSON value; {@code depth} bounds the nesting (from 4 on, only scalars). */
  String json(int depth) {
    int kind = r.nextInt(depth > 3 ? 7 : 10);
    switch (kind) {
      case 0: return "null";
      case 1: return r.nextBoolean() ? "true" : "false";
      case 2: return Long.toString(r.nextLong() >> r.nextInt(64));
      case 3: return r.nextBoolean() ? "1e308" : Double.toString(r.nextDouble() * 1e6 - 5e5);
      case 4: return "\"" + string() + "\"";
      case 5: return "\"" + (r.nextBoolean() ? "rekey:v" + r.nextInt(4) + ":" : "") + "aGVsbG8=\"";
      case 6: return r.nextBoolean() ? "\"" + sample() + "\"" : "\"PT" + r.nextInt(100) + "H\"";
      case 7: case 8: {
        StringBuilder b = new StringBuilder("{");
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            b.append(',');
          }
          String f = r.nextInt(8) == 0 ? string() : field();
          b.append('"').append(f).append("\":").append(json(depth + 1));
        }
        return b.append('}').toString();
      }
      default: {
        StringBuilder b = new StringBuilder("[");
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          b.append(i > 0 ? "," : "").append(json(depth + 1));
        }
        return b.append(']').toString();
      }
    }
  }

  /** Up to 11 characters, mostly printable ASCII, sometimes any BMP character below U+3000; JSON-safe. */
  String string() {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      char c = (char) (r.nextInt(10) == 0 ? r.nextInt(0x3000) : 32 + r.nextInt(95));
      if (c == '"' || c == '\\' || c < 32) {
        c = 'x';
      }
      b.append(c);
    }
    return b.toString();
  }

  private String sample() {
    return samples.size() == 1 ? samples.get(0) : samples.get(r.nextInt(samples.size()));
  }
}
