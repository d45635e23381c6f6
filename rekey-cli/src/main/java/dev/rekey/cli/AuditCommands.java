package dev.rekey.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rekey.api.ApiPaths;
import dev.rekey.api.AuditAnchor;
import dev.rekey.api.AuditRecordList;
import dev.rekey.api.AuditRecordView;
import dev.rekey.api.AuditVerifyRequest;
import dev.rekey.api.AuditVerifyResponse;
import dev.rekey.client.RekeyClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rekey audit ...}: verify the hash chain (against a kept anchor), take an anchor, list records. */
@Command(name = "audit", description = "Verify and read the audit trail.", mixinStandardHelpOptions = true)
final class AuditCommands extends CliCommand {
  /** Exit code of {@code audit verify} when the trail is broken (1 means the check itself failed). */
  static final int BROKEN = 3;
  /** Larger files are not anchors: an anchor is a few hundred bytes. */
  static final long MAX_ANCHOR_BYTES = 64 * 1024;

  @Command(name = "verify", description = "Verify the audit hash chain; exit 0 when intact, 3 when broken.")
  int verify(
      @Option(names = "--anchor", paramLabel = "FILE",
          description = "Also check that the trail still holds this anchor (from 'rekey audit anchor'): "
              + "that it was not truncated, rewritten or re-signed since.") Path anchorFile,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    AuditAnchor anchor = anchorFile == null ? null : readAnchor(anchorFile);
    AuditVerifyResponse result;
    if (json) {
      JsonNode raw = anchor == null
          ? client().requestJson("GET", ApiPaths.AUDIT_VERIFY, null)
          : client().requestJson("POST", ApiPaths.AUDIT_VERIFY, new AuditVerifyRequest(anchor));
      printJson(raw);
      result = read(raw, AuditVerifyResponse.class);
    } else {
      result = anchor == null ? client().verifyAudit() : client().verifyAudit(anchor);
      if (result.valid()) {
        out().println("Audit trail intact: " + result.records() + " records, " + result.checkpoints() + " checkpoints"
            + (anchor == null ? "" : "; it holds the anchor at seq " + anchor.seq() + " (signed " + anchor.at() + ")"));
      } else {
        out().println(brokenLine(result));
      }
    }
    return result.valid() ? 0 : BROKEN;
  }

  @Command(name = "anchor", description = "Verify the trail and print its newest signed checkpoint as JSON, to keep "
      + "outside the server and check later with 'audit verify --anchor FILE'. Exit 0 with the anchor, 3 when the "
      + "trail is broken (no anchor is printed), 1 when nothing is signed yet.")
  int anchor(
      @Option(names = "--anchor", paramLabel = "FILE",
          description = "Give a new anchor only if the trail still holds this earlier one.") Path previousFile,
      @Option(names = {"-o", "--output"}, paramLabel = "FILE",
          description = "Write the anchor to FILE, replaced only once the new anchor is complete "
              + "(FILE may be the --anchor file).") Path output) {
    AuditAnchor previous = previousFile == null ? null : readAnchor(previousFile);
    AuditVerifyResponse result = previous == null ? client().verifyAudit() : client().verifyAudit(previous);
    if (!result.valid()) {
      root().err.println(brokenLine(result));
      return BROKEN;
    }
    if (result.anchor() == null) {
      root().err.println("Error: the trail has no signed checkpoint yet; the server signs one within a minute of"
          + " its first records (no_checkpoint)");
      return 1;
    }
    String text = prettyJson(result.anchor());
    if (output == null) {
      out().println(text);
    } else {
      write(output, text + "\n");
      out().println("Anchor at seq " + result.anchor().seq() + " (signed " + result.anchor().at() + ") written to "
          + output);
    }
    return 0;
  }

  @Command(name = "list", description = "List audit records.")
  int list(
      @Option(names = "--from", paramLabel = "SEQ", description = "First sequence number.") Long from,
      @Option(names = "--limit", paramLabel = "N", description = "Most records to list.") Integer limit,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (json) {
      printJson(client().requestJson("GET", RekeyClient.auditRecordsPath(from, limit), null));
      return 0;
    }
    AuditRecordList list = client().auditRecords(from, limit);
    Table table = new Table("SEQ", "TIME", "PRINCIPAL", "ACTION", "NAMESPACE", "KEY", "VERSION", "OUTCOME", "ERROR");
    if (list.records() != null) {
      for (AuditRecordView r : list.records()) {
        table.row(String.valueOf(r.seq()), r.time(), r.principal(), r.action(), r.namespace(), r.key(),
            r.version() == null ? null : "v" + r.version(), r.outcome(), r.errorCode());
      }
    }
    table.print(out());
    if (list.nextFrom() != null) {
      out().println("more: --from " + list.nextFrom());
    }
    return 0;
  }

  private static String brokenLine(AuditVerifyResponse result) {
    return "Audit trail BROKEN at seq " + orDash(result.firstBrokenSeq()) + ": " + orDash(result.reason());
  }

  /**
   * The anchor in {@code file}: the JSON 'rekey audit anchor' prints, or a saved 'audit verify
   * --json' answer (its {@code anchor}). Fields are checked by the server.
   */
  private AuditAnchor readAnchor(Path file) {
    JsonNode root;
    try {
      if (Files.size(file) > MAX_ANCHOR_BYTES) {
        throw usage(file + ": larger than " + MAX_ANCHOR_BYTES + " bytes; not an anchor");
      }
      root = MAPPER.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw usage(file + ": not JSON; expected an anchor as 'rekey audit anchor' prints it");
    } catch (IOException e) {
      throw usage(file + ": cannot read (" + e.getMessage() + ")");
    }
    JsonNode node = root != null && root.path("anchor").isObject() ? root.get("anchor") : root;
    if (node == null || !node.isObject() || !node.path("seq").canConvertToLong() || !node.path("hash").isTextual()) {
      throw usage(file + ": not an anchor; expected the JSON 'rekey audit anchor' prints"
          + " ({\"seq\":...,\"hash\":...,\"at\":...,\"key_id\":...,\"signature\":...})");
    }
    return read(node, AuditAnchor.class);
  }

  /** Writes {@code text} to a temporary file beside {@code target}, then moves it over {@code target}. */
  private static void write(Path target, String text) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: a stray temporary file
        }
      }
    }
  }

  static <T> T read(JsonNode node, Class<T> type) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unexpected answer from the server: " + type.getSimpleName());
    }
  }
}
