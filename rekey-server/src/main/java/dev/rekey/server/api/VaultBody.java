package dev.rekey.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rekey.core.RekeyException;
import dev.rekey.server.http.Call;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A Vault request body (or one item of its {@code batch_input}), read as Vault reads it: numbers
 * and booleans may also come as strings ({@code vault write} sends {@code key_version="2"}), an
 * empty string is an absent value. A field this subset does not implement is refused (400) rather
 * than ignored, so a request never silently means less than it says. Messages name fields, never values.
 */
final class VaultBody {
  private final ObjectNode fields;
  private final String where;

  private VaultBody(ObjectNode fields, String where) {
    this.fields = fields;
    this.where = where;
  }

  /**
   * The request's body ({@code {}} when it has none, or is JSON {@code null}: the Vault CLI's
   * {@code vault write -f} and the Go client's {@code Logical().Write(path, nil)} send {@code null}),
   * allowing only {@code known} fields.
   */
  static VaultBody of(Call c, Set<String> known) {
    JsonNode body = c.optionalBody(JsonNode.class);
    if (body == null || body.isNull()) {
      return new VaultBody(JsonNodeFactory.instance.objectNode(), "");
    }
    if (!(body instanceof ObjectNode object)) {
      throw RekeyException.invalid("the request body must be a JSON object");
    }
    return new VaultBody(object, "").allowing(known);
  }

  private VaultBody allowing(Set<String> known) {
    for (Iterator<String> it = fields.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw RekeyException.invalid("parameter '" + where + name + "' is not supported by Rekey's transit subset");
      }
    }
    return this;
  }

  boolean has(String name) {
    JsonNode v = fields.get(name);
    return v != null && !v.isNull();
  }

  /** A string field; null when absent, null or empty. */
  String string(String name) {
    JsonNode v = fields.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw RekeyException.invalid("parameter '" + where + name + "' must be a string");
    }
    return v.asText().isEmpty() ? null : v.asText();
  }

  /** A string field that may be empty (a plaintext of no bytes); null only when absent. */
  String text(String name) {
    JsonNode v = fields.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw RekeyException.invalid("parameter '" + where + name + "' must be a string");
    }
    return v.asText();
  }

  /** A base64 field, decoded; null when absent or empty. */
  byte[] base64(String name) {
    return Call.base64(where + name, string(name));
  }

  /** A base64 field that may be empty (a plaintext of no bytes), decoded; absent is 400 {@code missing}. */
  byte[] bytes(String name, String missing) {
    String value = text(name);
    if (value == null) {
      throw RekeyException.invalid(missing);
    }
    return Call.base64(where + name, value);
  }

  /** A non-negative integer field (a number or a decimal string), {@code otherwise} when absent or empty. */
  int integer(String name, int otherwise) {
    JsonNode v = fields.get(name);
    if (v == null || v.isNull() || v.isTextual() && v.asText().isEmpty()) {
      return otherwise;
    }
    if (v.canConvertToInt() && v.isIntegralNumber() && v.asInt() >= 0) {
      return v.asInt();
    }
    if (v.isTextual() && v.asText().matches("[0-9]{1,9}")) {
      return Integer.parseInt(v.asText());
    }
    throw RekeyException.invalid("parameter '" + where + name + "' must be a non-negative integer");
  }

  /** A boolean field (true/false, or the strings "true"/"false"), {@code otherwise} when absent or empty. */
  boolean bool(String name, boolean otherwise) {
    JsonNode v = fields.get(name);
    if (v == null || v.isNull() || v.isTextual() && v.asText().isEmpty()) {
      return otherwise;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
      return Boolean.parseBoolean(v.asText());
    }
    throw RekeyException.invalid("parameter '" + where + name + "' must be a boolean");
  }

  /** {@code batch_input}: null when absent; else 1 to {@code max} objects, each allowing {@code known} fields. */
  List<VaultBody> batch(int max, Set<String> known) {
    JsonNode v = fields.get("batch_input");
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray() || v.isEmpty() || v.size() > max) {
      throw RekeyException.invalid("parameter 'batch_input' must be a list of 1 to " + max + " items");
    }
    List<VaultBody> items = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      if (!(v.get(i) instanceof ObjectNode item)) {
        throw RekeyException.invalid("batch_input[" + i + "] must be a JSON object");
      }
      items.add(new VaultBody(item, "batch_input[" + i + "].").allowing(known));
    }
    return items;
  }
}
