package dev.rekey.cli;

import dev.rekey.api.DeliveryList;
import dev.rekey.api.DeliveryView;
import dev.rekey.api.WebhookList;
import dev.rekey.api.WebhookView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rekey webhook ...}. Only {@code create} and {@code rotate-secret} ever print a signing secret. */
@Command(name = "webhook", description = "Manage webhook subscriptions and their deliveries.",
    mixinStandardHelpOptions = true)
final class WebhookCommands extends CliCommand {

  @Command(name = "create", description = "Subscribe a URL to events; prints the signing secret (shown only once).")
  int create(
      @Parameters(paramLabel = "URL", description = "http:// or https:// URL receiving the events.") String url,
      @Option(names = "--event-type", paramLabel = "TYPE", description = "Only this event type (repeatable),"
          + " e.g. KeyNewVersionCreated; default: all.") List<String> eventTypes,
      @Option(names = "--only-namespace", paramLabel = "NS", description = "Only events of this namespace;"
          + " default: all.") String namespace,
      @Option(names = "--tag", paramLabel = "K=V", description = "Only events of keys with this tag (repeatable;"
          + " all must match).") Map<String, String> tags,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    WebhookView w = client().webhooks().create(url, eventTypes, namespace, tags);
    if (json) {
      printJson(w);
      return 0;
    }
    out().println("secret:     " + w.secret());
    printInfo(w);
    return 0;
  }

  @Command(name = "list", description = "List webhook subscriptions (never their secrets).")
  int list(@Option(names = "--json", description = "Print the server's JSON (all pages in one).") boolean json) {
    List<WebhookView> all = new ArrayList<>();
    String after = null;
    do {
      WebhookList page = client().webhooks().list(after, null);
      List<WebhookView> hooks = page.webhooks() == null ? List.of() : page.webhooks();
      all.addAll(hooks);
      after = hooks.isEmpty() ? null : page.nextAfter();
    } while (after != null);
    if (json) {
      printJson(new WebhookList(all, null));
      return 0;
    }
    Table table = new Table("ID", "URL", "EVENTS", "NAMESPACE", "TAGS", "ENABLED");
    for (WebhookView w : all) {
      table.row(w.id(), w.url(), types(w.eventTypes()), orAll(w.namespace()), tags(w.tags()), String.valueOf(w.enabled()));
    }
    table.print(out());
    return 0;
  }

  @Command(name = "show", description = "Show one subscription (never its secret).")
  int show(@Parameters(paramLabel = "ID") String id,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    WebhookView w = client().webhooks().get(id);
    if (json) {
      printJson(w);
      return 0;
    }
    printInfo(w);
    return 0;
  }

  @Command(name = "delete", description = "Delete a subscription and its deliveries.")
  int delete(@Parameters(paramLabel = "ID") String id) {
    client().webhooks().delete(id);
    out().println("Deleted webhook " + id);
    return 0;
  }

  @Command(name = "rotate-secret", description = "Replace the signing secret; prints the new one (shown only once).")
  int rotateSecret(@Parameters(paramLabel = "ID") String id,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    WebhookView w = client().webhooks().rotateSecret(id);
    if (json) {
      printJson(w);
      return 0;
    }
    out().println("secret:     " + w.secret());
    printInfo(w);
    return 0;
  }

  @Command(name = "enable", description = "Enable a subscription.")
  int enable(@Parameters(paramLabel = "ID") String id) {
    client().webhooks().setEnabled(id, true);
    out().println("Enabled webhook " + id);
    return 0;
  }

  @Command(name = "disable", description = "Disable a subscription: no new deliveries, pending ones are dead-lettered.")
  int disable(@Parameters(paramLabel = "ID") String id) {
    client().webhooks().setEnabled(id, false);
    out().println("Disabled webhook " + id);
    return 0;
  }

  @Command(name = "deliveries", description = "A subscription's deliveries, newest first: status, attempts, last"
      + " error, next attempt.")
  int deliveries(@Parameters(paramLabel = "ID") String id,
      @Option(names = "--limit", paramLabel = "N", description = "At most N (default 100).") Integer limit,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    DeliveryList page = client().webhooks().deliveries(id, null, limit);
    if (json) {
      printJson(page);
      return 0;
    }
    Table table = new Table("ID", "EVENT", "TYPE", "STATUS", "ATTEMPTS", "LAST", "NEXT ATTEMPT");
    for (DeliveryView d : page.deliveries() == null ? List.<DeliveryView>of() : page.deliveries()) {
      String last = d.lastError() != null ? d.lastError() : d.lastStatus() == null ? "-" : "HTTP " + d.lastStatus();
      table.row(d.id(), d.eventId(), d.eventType(), d.status(), String.valueOf(d.attempts()), last,
          orDash(d.nextAttemptAt()));
    }
    table.print(out());
    return 0;
  }

  @Command(name = "redeliver", description = "Send a delivered or dead-lettered delivery again.")
  int redeliver(@Parameters(index = "0", paramLabel = "ID") String id,
      @Parameters(index = "1", paramLabel = "DELIVERY") String delivery) {
    DeliveryView d = client().webhooks().redeliver(id, delivery);
    out().println("Redelivering " + d.id() + " (" + d.status() + ")");
    return 0;
  }

  private void printInfo(WebhookView w) {
    out().println("id:         " + w.id());
    out().println("url:        " + w.url());
    out().println("events:     " + types(w.eventTypes()));
    out().println("namespace:  " + orAll(w.namespace()));
    out().println("tags:       " + tags(w.tags()));
    out().println("enabled:    " + w.enabled());
    out().println("created:    " + orDash(w.createdAt()));
  }

  private static String types(List<String> types) {
    return types == null || types.isEmpty() ? "all" : String.join(",", types);
  }

  private static String orAll(String namespace) {
    return namespace == null ? "all" : namespace;
  }

  static String tags(Map<String, String> tags) {
    return tags == null || tags.isEmpty() ? "-"
        : tags.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }
}
