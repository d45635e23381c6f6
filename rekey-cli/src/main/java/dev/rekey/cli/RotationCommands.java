package dev.rekey.cli;

import dev.rekey.api.PolicyPaths;
import dev.rekey.api.RotationStatus;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rekey rotation status}: what the scheduler has due, overdue, failed and planned. */
@Command(name = "rotation", description = "The rotation scheduler.", mixinStandardHelpOptions = true)
final class RotationCommands extends CliCommand {

  @Command(name = "status", description = "Rotations due, overdue and failed, and the next 30 days' calendar.")
  int status(@Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (json) {
      printJson(client().requestJson("GET", PolicyPaths.ROTATION_STATUS, null));
      return 0;
    }
    RotationStatus s = client().policies().rotationStatus();
    out().println("now: " + s.now());
    section("Due", s.due());
    section("Overdue", s.overdue());
    section("Failed", s.failed());
    section("Next 30 days", s.calendar());
    return 0;
  }

  private void section(String title, List<RotationStatus.Entry> entries) {
    out().println();
    out().println(title + " (" + entries.size() + ")");
    if (entries.isEmpty()) {
      return;
    }
    Table table = new Table("NAMESPACE", "KEY", "NEXT ROTATION", "LAST RUN", "FAILURES", "LAST ERROR");
    for (RotationStatus.Entry e : entries) {
      table.row(e.namespace(), e.key(), orDash(e.nextRotation()), orDash(e.lastRun()), String.valueOf(e.failures()),
          orDash(e.lastError()));
    }
    table.print(out());
  }
}
