package dev.rekey.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.rekey.api.SecretValueResponse;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@link SecretValueResponse} written with Jackson's streaming generator: the same JSON as the
 * mapper writes (snake_case, nulls left out, field order of the record), without the bean
 * serializer's per-field reflection work on the hottest read of the secrets API. A test checks
 * both give the same bytes.
 */
final class SecretValueJson {
  private static final JsonFactory FACTORY = new JsonFactory();
  // Field names encoded once: the generator copies their bytes instead of escaping char by char.
  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString VERSION = new SerializedString("version");
  private static final SerializedString LABELS = new SerializedString("labels");
  private static final SerializedString VALUE = new SerializedString("value");
  private static final SerializedString VALUE_BASE64 = new SerializedString("value_base64");
  private static final SerializedString CREATED_AT = new SerializedString("created_at");
  private static final SerializedString EXPIRES_AT = new SerializedString("expires_at");
  private static final SerializedString EXPIRED = new SerializedString("expired");

  private SecretValueJson() {}

  static byte[] write(SecretValueResponse r) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(256);
        JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeFieldName(NAME);
      g.writeString(r.name());
      g.writeFieldName(VERSION);
      g.writeNumber(r.version());
      if (r.labels() != null) {
        g.writeFieldName(LABELS);
        g.writeStartArray();
        for (String label : r.labels()) {
          g.writeString(label);
        }
        g.writeEndArray();
      }
      optional(g, VALUE, r.value());
      optional(g, VALUE_BASE64, r.valueBase64());
      optional(g, CREATED_AT, r.createdAt());
      optional(g, EXPIRES_AT, r.expiresAt());
      g.writeFieldName(EXPIRED);
      g.writeBoolean(r.expired());
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a secret value response", e);
    }
  }

  private static void optional(JsonGenerator g, SerializedString name, String value) throws IOException {
    if (value != null) {
      g.writeFieldName(name);
      g.writeString(value);
    }
  }
}
