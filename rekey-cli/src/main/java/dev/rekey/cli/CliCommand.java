package dev.rekey.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.client.Json;
import dev.rekey.client.RekeyClient;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every command needs: the client for the global options, the streams, JSON output. */
abstract class CliCommand {
  static final ObjectMapper MAPPER = Json.newMapper();

  @Spec
  CommandSpec spec;

  RekeyCli root() {
    return (RekeyCli) spec.root().userObject();
  }

  RekeyClient client() {
    return root().client(commandLine());
  }

  /**
   * The command line of the command being run. For a method subcommand ({@code key list}) that is
   * not {@code spec}'s, which belongs to the class declaring it ({@code key}): usage errors must show
   * the usage of the command that was given.
   */
  CommandLine commandLine() {
    CommandLine.ParseResult parsed = spec.root().commandLine().getParseResult();
    if (parsed == null) {
      return spec.commandLine();
    }
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    return parsed.commandSpec().commandLine();
  }

  PrintStream out() {
    return root().out;
  }

  /** All of stdin. */
  byte[] stdin() {
    try {
      return root().in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read standard input", e);
    }
  }

  /** Stdin as text with surrounding whitespace removed; a usage error when empty. */
  String stdinText(String what) {
    String text = new String(stdin(), StandardCharsets.UTF_8).trim();
    if (text.isEmpty()) {
      throw usage("expected " + what + " on standard input");
    }
    return text;
  }

  void printJson(Object value) {
    out().println(prettyJson(value));
  }

  /** {@code value} (a JsonNode or a rekey-api record) as indented JSON. */
  static String prettyJson(Object value) {
    try {
      JsonNode tree = value instanceof JsonNode ? (JsonNode) value : MAPPER.valueToTree(value);
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print JSON", e);
    }
  }

  CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(commandLine(), message);
  }

  static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  static String b64(byte[] bytes) {
    return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
  }

  static String orDash(Object value) {
    return value == null ? "-" : value.toString();
  }
}
