package dev.rekey.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rekey.api.PolicySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a policy file: YAML or JSON (JSON is read as YAML, its superset), either a list of
 * policies or an object with a {@code policies} list. Unknown fields are refused, naming them,
 * so a typo never silently drops a setting. Field values are validated by the server.
 */
final class PolicyFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  static final long MAX_BYTES = 4L * 1024 * 1024;

  private PolicyFiles() {}

  /** The policies of {@code file}; IllegalArgumentException with a message naming the file and field. */
  static List<PolicySpec> read(Path file) {
    JsonNode root;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IllegalArgumentException(file + ": larger than " + MAX_BYTES + " bytes");
      }
      root = YAML.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not valid YAML or JSON (line "
          + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
    }
    JsonNode list = root != null && root.isObject() ? root.get("policies") : root;
    if (root != null && root.isObject()) {
      root.fieldNames().forEachRemaining(f -> {
        if (!f.equals("policies")) {
          throw new IllegalArgumentException(file + ": unknown top-level field '" + f + "' (expected 'policies')");
        }
      });
    }
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException(file + ": expected a list of policies or an object with a 'policies' list");
    }
    List<PolicySpec> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      try {
        out.add(YAML.treeToValue(list.get(i), PolicySpec.class));
      } catch (UnrecognizedPropertyException e) {
        throw new IllegalArgumentException(file + ": policies[" + i + "]." + e.getPropertyName()
            + ": unknown field");
      } catch (JsonProcessingException e) {
        String field = e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()
            ? m.getPath().get(0).getFieldName() : "?";
        throw new IllegalArgumentException(file + ": policies[" + i + "]." + field + ": wrong type of value");
      }
    }
    return out;
  }
}
