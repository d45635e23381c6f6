package dev.rekey.cli;

import dev.rekey.api.PolicyDiff;
import dev.rekey.api.PolicyPaths;
import dev.rekey.api.PolicySpec;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rekey policy ...}: rotation policies as code. */
@Command(name = "policy", description = "Apply, list and show rotation policies (policies as code).",
    mixinStandardHelpOptions = true)
final class PolicyCommands extends CliCommand {

  @Command(name = "apply", description = "Apply the policies of a YAML or JSON file; prints the diff."
      + " Applying the same file again changes nothing.")
  int apply(
      @Parameters(paramLabel = "FILE") Path file,
      @Option(names = "--dry-run", description = "Only show what would change.") boolean dryRun,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    List<PolicySpec> policies;
    try {
      policies = PolicyFiles.read(file);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    PolicyDiff diff = client().policies().apply(policies, dryRun);
    if (json) {
      printJson(diff);
      return 0;
    }
    int created = 0;
    int updated = 0;
    int unchanged = 0;
    for (PolicyDiff.Change c : diff.changes()) {
      switch (c.action()) {
        case "create" -> {
          created++;
          out().println("+ " + c.scope());
        }
        case "update" -> {
          updated++;
          out().println("~ " + c.scope());
          c.fields().forEach(f -> out().println("    " + f));
        }
        default -> unchanged++;
      }
    }
    if (created + updated == 0) {
      out().println("No changes (" + unchanged + " unchanged).");
    } else {
      out().println((dryRun ? "Would apply: " : "Applied: ") + created + " created, " + updated + " updated, "
          + unchanged + " unchanged." + (dryRun ? " (dry run: nothing stored)" : ""));
    }
    return 0;
  }

  @Command(name = "list", description = "List the stored policies.")
  int list(@Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (json) {
      printJson(client().requestJson("GET", PolicyPaths.POLICIES, null));
      return 0;
    }
    Table table = new Table("SCOPE", "SCHEDULE", "LIFETIME", "DUAL-RUNNING", "AUTO-RETIRE", "KEEP");
    for (PolicySpec p : client().policies().list().policies()) {
      table.row(p.scope(), schedule(p), orDash(p.versionLifetime()), orDash(p.dualRunning()),
          orDash(p.autoRetire()), orDash(p.retiredToKeep()));
    }
    table.print(out());
    return 0;
  }

  @Command(name = "show", description = "Show one policy: SCOPE is key:NS/NAME, namespace:NS or type:TYPE.")
  int show(@Parameters(paramLabel = "SCOPE") String scope,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    PolicySpec p = client().policies().get(scope);
    if (json) {
      printJson(p);
      return 0;
    }
    out().println("scope:            " + p.scope());
    out().println("schedule:         " + schedule(p));
    out().println("version_lifetime: " + orDash(p.versionLifetime()));
    out().println("notify_before:    " + (p.notifyBefore() == null ? "-" : String.join(", ", p.notifyBefore())));
    out().println("dual_running:     " + orDash(p.dualRunning()));
    out().println("auto_retire:      " + orDash(p.autoRetire()));
    out().println("retired_to_keep:  " + orDash(p.retiredToKeep()));
    out().println("destroy_after:    " + orDash(p.destroyAfter()));
    out().println("jitter:           " + orDash(p.jitter()));
    out().println("publish_lead:     " + orDash(p.publishLead()));
    return 0;
  }

  @Command(name = "delete", description = "Delete one policy.")
  int delete(@Parameters(paramLabel = "SCOPE") String scope) {
    client().policies().delete(scope);
    out().println("Deleted policy " + scope);
    return 0;
  }

  static String schedule(PolicySpec p) {
    if (p.rotationPeriod() != null) {
      return "every " + p.rotationPeriod();
    }
    return p.cron() != null ? "cron " + p.cron() : "ad hoc";
  }
}
