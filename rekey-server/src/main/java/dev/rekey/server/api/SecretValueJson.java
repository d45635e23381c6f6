package dev.rekey.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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

  private SecretValueJson() {}

  static byte[] write(SecretValueResponse r) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(256);
        JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("name", r.name());
      g.writeNumberField("version", r.version());
      if (r.labels() != null) {
        g.writeArrayFieldStart("labels");
        for (String label : r.labels()) {
          g.writeString(label);
        }
        g.writeEndArray();
      }
      optional(g, "value", r.value());
      optional(g, "value_base64", r.valueBase64());
      optional(g, "created_at", r.createdAt());
      optional(g, "expires_at", r.expiresAt());
      g.writeBooleanField("expired", r.expired());
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a secret value response", e);
    }
  }

  private static void optional(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }
}
