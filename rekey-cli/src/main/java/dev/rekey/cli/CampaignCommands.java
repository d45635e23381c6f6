package dev.rekey.cli;

import dev.rekey.api.CampaignList;
import dev.rekey.api.CampaignView;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rekey rewrap-campaign ...}: progress and control of re-wrap campaigns. */
@Command(name = "rewrap-campaign", description = "Re-wrap stored data keys after a key rotation: progress and control.",
    mixinStandardHelpOptions = true)
final class CampaignCommands extends CliCommand {

  @Command(name = "status", description = "One campaign's progress, or the namespace's campaigns.")
  int status(@Parameters(paramLabel = "ID", arity = "0..1") Long id,
      @Option(names = "--active", description = "Only campaigns in progress.") boolean active,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (id != null) {
      CampaignView c = client().rewrapCampaigns().get(id);
      if (json) {
        printJson(c);
      } else {
        printOne(c);
      }
      return 0;
    }
    List<CampaignView> all = new ArrayList<>();
    long after = 0;
    while (true) {
      CampaignList page = client().rewrapCampaigns().list(after, active, null);
      all.addAll(page.campaigns());
      if (page.nextAfter() == null || page.campaigns().isEmpty()) {
        break;
      }
      after = page.nextAfter();
    }
    if (json) {
      printJson(new CampaignList(all, null));
      return 0;
    }
    Table table = new Table("ID", "KEY", "FROM", "TO", "STATE", "DONE", "TOTAL", "REMAINING", "RATE/S", "ORIGIN");
    for (CampaignView c : all) {
      table.row(String.valueOf(c.id()), c.key(), "v" + c.fromVersion(), "v" + c.toVersion(), c.state(),
          String.valueOf(c.done()), String.valueOf(c.total()), String.valueOf(c.remaining()),
          String.format(java.util.Locale.ROOT, "%.0f", c.rate()), c.origin());
    }
    table.print(out());
    return 0;
  }

  @Command(name = "start", description = "Re-wrap KEY's stored data keys to its primary version.")
  int start(@Parameters(paramLabel = "KEY") String key,
      @Option(names = "--from-version", paramLabel = "N",
          description = "The version to move away from (default: the oldest non-primary one in use).") Integer from,
      @Option(names = "--batch-size", paramLabel = "N", description = "Data keys per batch (default 1000).")
          Integer batchSize,
      @Option(names = "--delay-ms", paramLabel = "MS", description = "Pause between batches (default 0).") Long delay,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return done(json, client().rewrapCampaigns().start(key, from, batchSize, delay), "Started");
  }

  @Command(name = "pause", description = "Pause a running campaign.")
  int pause(@Parameters(paramLabel = "ID") long id,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return done(json, client().rewrapCampaigns().pause(id), "Paused");
  }

  @Command(name = "resume", description = "Resume a paused campaign.")
  int resume(@Parameters(paramLabel = "ID") long id,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return done(json, client().rewrapCampaigns().resume(id), "Resumed");
  }

  @Command(name = "cancel", description = "Cancel a campaign and roll back what it re-wrapped.")
  int cancel(@Parameters(paramLabel = "ID") long id,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return done(json, client().rewrapCampaigns().cancel(id), "Cancelling");
  }

  @Command(name = "throttle", description = "Change a campaign's batch size or pace.")
  int throttle(@Parameters(paramLabel = "ID") long id,
      @Option(names = "--batch-size", paramLabel = "N") Integer batchSize,
      @Option(names = "--delay-ms", paramLabel = "MS", description = "Pause between batches.") Long delay,
      @Option(names = "--batches-per-second", paramLabel = "R") Double rate,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (batchSize == null && delay == null && rate == null) {
      throw usage("nothing to change: give --batch-size, --delay-ms or --batches-per-second");
    }
    if (delay != null && rate != null) {
      throw usage("--delay-ms and --batches-per-second are exclusive");
    }
    return done(json, client().rewrapCampaigns().throttle(id, batchSize, delay, rate), "Throttled");
  }

  private int done(boolean json, CampaignView c, String verb) {
    if (json) {
      printJson(c);
    } else {
      out().println(verb + " campaign " + c.id() + " (" + c.key() + " v" + c.fromVersion() + " -> v" + c.toVersion()
          + "): " + c.state() + ", " + c.done() + "/" + c.total() + " done");
    }
    return 0;
  }

  private void printOne(CampaignView c) {
    out().println("id:         " + c.id());
    out().println("key:        " + c.key() + " (v" + c.fromVersion() + " -> v" + c.toVersion() + ")");
    out().println("state:      " + c.state() + (c.message() == null ? "" : " (" + c.message() + ")"));
    out().println("progress:   " + c.done() + "/" + c.total() + " done, " + c.remaining() + " remaining"
        + (c.rolledBack() > 0 ? ", " + c.rolledBack() + " rolled back" : ""));
    out().println("rate:       " + String.format(java.util.Locale.ROOT, "%.0f", c.rate()) + " data keys/s");
    out().println("throttle:   batches of " + c.batchSize() + ", " + c.delayMs() + " ms between batches");
    out().println("origin:     " + c.origin());
    out().println("created:    " + orDash(c.createdAt()));
    out().println("updated:    " + orDash(c.updatedAt()));
    out().println("finished:   " + orDash(c.finishedAt()));
    out().println("lease:      " + orDash(c.leaseOwner()));
  }
}
