package dev.rekey.cli;

import dev.rekey.api.EventList;
import dev.rekey.api.EventView;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rekey events list}: what happened, from the event outbox. */
@Command(name = "events", description = "Show lifecycle events (the CloudEvents webhooks deliver).",
    mixinStandardHelpOptions = true)
final class EventCommands extends CliCommand {

  @Command(name = "list", description = "Recent events, newest first.")
  int list(
      @Option(names = "--type", paramLabel = "TYPE", description = "Only this type, e.g. KeyNewVersionCreated.") String type,
      @Option(names = "--before", paramLabel = "SEQ", description = "Only events before this seq (paging).") Long before,
      @Option(names = "--limit", paramLabel = "N", description = "At most N (default 100).") Integer limit,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    EventList page = client().webhooks().events(type, before, limit);
    if (json) {
      printJson(page);
      return 0;
    }
    Table table = new Table("SEQ", "TIME", "TYPE", "NAMESPACE", "SUBJECT", "ID");
    for (EventView e : page.events() == null ? List.<EventView>of() : page.events()) {
      table.row(String.valueOf(e.seq()), e.time(), e.type(), e.namespace(), e.subject(), e.id());
    }
    table.print(out());
    if (page.nextBefore() != null) {
      out().println("(more: --before " + page.nextBefore() + ")");
    }
    return 0;
  }
}
