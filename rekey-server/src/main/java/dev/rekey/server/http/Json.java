package dev.rekey.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.rekey.core.RekeyException;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * The server's JSON mapping: snake_case, unknown fields rejected, nulls omitted from responses.
 * Parse errors become INVALID_REQUEST with a message that names the field or position but never
 * echoes the input (it may hold plaintext).
 */
public final class Json {
  private final ObjectMapper mapper = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  public Json() {
    // No silent coercion: 5 is not a string, "true" is not a boolean, "3" is not a number.
    for (LogicalType t : new LogicalType[] {LogicalType.Textual, LogicalType.Boolean, LogicalType.Integer,
        LogicalType.Float}) {
      mapper.coercionConfigFor(t)
          .setCoercion(CoercionInputShape.Integer, t == LogicalType.Integer ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, t == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, t == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.String, t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail);
    }
  }

  public <T> T read(byte[] body, Class<T> type) {
    if (body == null || body.length == 0) {
      throw RekeyException.invalid("a JSON request body is required");
    }
    try {
      T value = mapper.readValue(body, type);
      if (value == null) {
        throw RekeyException.invalid("the request body must be a JSON object");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw RekeyException.invalid("unknown field '" + e.getPropertyName() + "'");
    } catch (JsonParseException e) {
      throw RekeyException.invalid("malformed JSON at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr());
    } catch (MismatchedInputException e) {
      throw RekeyException.invalid(path(e).isEmpty() ? "the request body must be a JSON object"
          : "field '" + path(e) + "' has the wrong type");
    } catch (JsonMappingException e) {
      throw RekeyException.invalid(path(e).isEmpty() ? "the request body does not match the expected shape"
          : "field '" + path(e) + "' is not valid");
    } catch (IOException e) {
      throw RekeyException.invalid("the request body cannot be read as JSON");
    }
  }

  public byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response serialization failed", e);
    }
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }
}
