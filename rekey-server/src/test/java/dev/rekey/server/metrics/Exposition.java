package dev.rekey.server.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4) for tests: every line must be a
 * comment ({@code # HELP}, {@code # TYPE}) or a sample {@code name{label="value",...} value}.
 */
public final class Exposition {
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final Map<String, String> types;

  private Exposition(List<Sample> samples, Map<String, String> types) {
    this.samples = samples;
    this.types = types;
  }

  /** Parses {@code text}; IllegalArgumentException naming the first line that is not valid. */
  public static Exposition parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        types.put(parts[2], parts[3]);
        continue;
      }
      if (line.startsWith("# HELP ") || line.startsWith("# EOF")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException("not an exposition line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null && !m.group(2).isEmpty()) {
        Matcher l = LABEL.matcher(m.group(2));
        int end = 0;
        while (l.find() && l.start() == end) {
          labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
          end = l.end();
        }
        if (end != m.group(2).length()) {
          throw new IllegalArgumentException("bad labels: " + line);
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return new Exposition(samples, types);
  }

  public List<Sample> samples(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The value of the one sample of {@code name} whose labels include {@code labels}, or null. */
  public Double value(String name, Map<String, String> labels) {
    List<Sample> found = samples(name).stream()
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
    if (found.size() > 1) {
      throw new AssertionError("several samples of " + name + " match " + labels + ": " + found);
    }
    return found.isEmpty() ? null : found.get(0).value();
  }

  /** The declared type of a metric family ({@code counter}, {@code gauge}...), or null. */
  public String type(String family) {
    return types.get(family);
  }
}
