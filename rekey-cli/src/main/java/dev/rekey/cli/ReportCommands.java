package dev.rekey.cli;

import dev.rekey.api.RotationDriftReport;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rekey report ...}: reports built from Rekey's own records. */
@Command(name = "report", description = "Reports.", mixinStandardHelpOptions = true)
final class ReportCommands extends CliCommand {

  @Command(name = "drift", description = "Rotations not followed by consumer updates: per rotation, who moved"
      + " and who did not.")
  int drift(
      @Option(names = "--key", paramLabel = "KEY", description = "Only this key.") String key,
      @Option(names = "--secret", paramLabel = "SECRET", description = "Only this secret.") String secret,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (key != null && secret != null) {
      throw usage("give --key or --secret, not both");
    }
    RotationDriftReport report = secret != null ? client().consumers().driftOfSecret(secret)
        : client().consumers().drift(key);
    if (json) {
      printJson(report);
      return 0;
    }
    Table table = new Table("SUBJECT", "VERSION", "ROTATED", "DEADLINE", "CONSUMER", "MOVED", "OVERDUE");
    for (RotationDriftReport.Rotation r : report.rotations() == null ? List.<RotationDriftReport.Rotation>of()
        : report.rotations()) {
      String subject = "secret".equals(r.subjectKind()) ? "secret:" + r.key() : r.key();
      for (RotationDriftReport.Entry e : r.notMoved()) {
        table.row(subject, String.valueOf(r.version()), r.requestedAt(), r.deadline(), e.consumer(), "no",
            orDash(e.staleAt()));
      }
      for (RotationDriftReport.Entry e : r.moved()) {
        table.row(subject, String.valueOf(r.version()), r.requestedAt(), r.deadline(), e.consumer(), e.confirmedAt(),
            orDash(e.staleAt()));
      }
    }
    table.print(out());
    return 0;
  }
}
