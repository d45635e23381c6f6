package dev.rekey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rekey.api.ApiPaths;
import dev.rekey.api.AuditRecordList;
import dev.rekey.api.AuditRecordView;
import dev.rekey.api.AuditVerifyResponse;
import dev.rekey.client.RekeyClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rekey audit ...}: verify the hash chain, list records. */
@Command(name = "audit", description = "Verify and read the audit trail.", mixinStandardHelpOptions = true)
final class AuditCommands extends CliCommand {
  /** Exit code of {@code audit verify} when the trail is broken (1 means the check itself failed). */
  static final int BROKEN = 3;

  @Command(name = "verify", description = "Verify the audit hash chain; exit 0 when intact, 3 when broken.")
  int verify(@Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    AuditVerifyResponse result;
    if (json) {
      JsonNode raw = client().requestJson("GET", ApiPaths.AUDIT_VERIFY, null);
      printJson(raw);
      result = read(raw, AuditVerifyResponse.class);
    } else {
      result = client().verifyAudit();
      if (result.valid()) {
        out().println("Audit trail intact: " + result.records() + " records, " + result.checkpoints() + " checkpoints");
      } else {
        out().println("Audit trail BROKEN at seq " + orDash(result.firstBrokenSeq()) + ": " + orDash(result.reason()));
      }
    }
    return result.valid() ? 0 : BROKEN;
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

  static <T> T read(JsonNode node, Class<T> type) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unexpected answer from the server: " + type.getSimpleName());
    }
  }
}
