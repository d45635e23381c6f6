package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.server.RekeyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command blocks of docs/*.md run as pasted, through the real CLI against a real dev server. */
class DocsExamplesE2eTest {
  @TempDir static Path dataDir;
  static RekeyServer server;

  @BeforeAll
  static void start() {
    server = E2e.devServer(dataDir);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** The {@code rekey ...} commands of the first {@code ```sh} block of a doc: one per line or per {@code ;}. */
  static List<List<String>> firstShellBlock(String doc) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "docs", doc));
    int start = lines.indexOf("```sh");
    assertThat(start).as("a ```sh block in docs/" + doc).isNotNegative();
    List<List<String>> commands = new ArrayList<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("```")) {
        break;
      }
      int comment = line.indexOf(" #");
      for (String command : (comment < 0 ? line : line.substring(0, comment)).split(";")) {
        List<String> words = new ArrayList<>(List.of(command.trim().split("\\s+")));
        if (words.get(0).equals("rekey")) {
          commands.add(words.subList(1, words.size()));
        }
      }
    }
    return commands;
  }

  @Test
  void consumersBindingBlock_runsAsPasted() throws IOException {
    assertThat(cli(server.url(), ROOT_TOKEN, null, "key", "create", "orders").exit()).isZero();
    List<List<String>> commands = firstShellBlock("consumers.md");
    assertThat(commands).hasSizeGreaterThanOrEqualTo(6);

    for (List<String> command : commands) {
      E2e.Run run = cli(server.url(), ROOT_TOKEN, null, command.toArray(String[]::new));
      assertThat(run.exit()).as("rekey " + String.join(" ", command) + "\n" + run).isZero();
    }
  }
}
