package dev.rekey.cli;

import dev.rekey.api.BindingList;
import dev.rekey.api.BindingView;
import dev.rekey.api.ConsumerList;
import dev.rekey.api.ConsumerRequest;
import dev.rekey.api.ConsumerView;
import dev.rekey.api.PropagationPolicyView;
import dev.rekey.client.ConsumersClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rekey consumer ...}: the systems that use keys and secrets, their bindings and
 * confirmations; {@code --secret NAME} addresses a secret where a key would be named. Only
 * {@code register} and {@code update} (when they generate one) print a hook signing secret.
 */
@Command(name = "consumer", description = "Manage consumers (systems that use keys and secrets) and their bindings.",
    mixinStandardHelpOptions = true)
final class ConsumerCommands extends CliCommand {

  private ConsumersClient consumers() {
    return client().consumers();
  }

  @Command(name = "register", description = "Register a consumer; with --hook-url prints the hook signing secret"
      + " (shown only once).")
  int register(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--kind", paramLabel = "KIND", description = "storage-account, service, batch-job, ...")
          String kind,
      @Option(names = "--tag", paramLabel = "K=V", description = "A tag (repeatable).") Map<String, String> tags,
      @Option(names = "--owner", paramLabel = "OWNER") String owner,
      @Option(names = "--principal", paramLabel = "TOKEN_NAME", description = "The token name it uses: its"
          + " key operations then show which version it is on.") String principal,
      @Option(names = "--hook-url", paramLabel = "URL", description = "Called after each rotation.") String hookUrl,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    ConsumerView c = consumers().register(new ConsumerRequest(name, kind, tags, owner, principal, hookUrl, null));
    return print(c, json);
  }

  @Command(name = "update", description = "Change a consumer; --hook-url '' removes the hook.")
  int update(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--kind", paramLabel = "KIND") String kind,
      @Option(names = "--tag", paramLabel = "K=V", description = "Replace the tags (repeatable).")
          Map<String, String> tags,
      @Option(names = "--owner", paramLabel = "OWNER") String owner,
      @Option(names = "--principal", paramLabel = "TOKEN_NAME", description = "'' unlinks.") String principal,
      @Option(names = "--hook-url", paramLabel = "URL") String hookUrl,
      @Option(names = "--rotate-hook-secret", description = "Generate a new hook signing secret.") boolean rotate,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    ConsumerView c = consumers().update(name, new ConsumerRequest(null, kind, tags, owner, principal, hookUrl,
        rotate ? Boolean.TRUE : null));
    return print(c, json);
  }

  @Command(name = "list", description = "List the consumers of the namespace.")
  int list(@Option(names = "--json", description = "Print the server's JSON (all pages in one).") boolean json) {
    List<ConsumerView> all = new ArrayList<>();
    String after = null;
    do {
      ConsumerList page = consumers().list(after, null);
      List<ConsumerView> items = page.consumers() == null ? List.of() : page.consumers();
      all.addAll(items);
      after = items.isEmpty() ? null : page.nextAfter();
    } while (after != null);
    if (json) {
      printJson(new ConsumerList(all, null));
      return 0;
    }
    Table table = new Table("NAME", "KIND", "OWNER", "PRINCIPAL", "HOOK", "TAGS");
    for (ConsumerView c : all) {
      table.row(c.name(), c.kind(), orDash(c.owner()), orDash(c.principal()), orDash(c.hookUrl()),
          WebhookCommands.tags(c.tags()));
    }
    table.print(out());
    return 0;
  }

  @Command(name = "show", description = "Show a consumer and its bindings.")
  int show(@Parameters(paramLabel = "NAME") String name,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return print(consumers().get(name), json);
  }

  @Command(name = "remove", description = "Remove a consumer and its bindings.")
  int remove(@Parameters(paramLabel = "NAME") String name) {
    consumers().remove(name);
    out().println("Removed consumer " + name);
    return 0;
  }

  @Command(name = "bind", description = "Bind a consumer to a key, with --secret to a secret, or with --selector to"
      + " every key with these tags.")
  int bind(
      @Parameters(index = "0", paramLabel = "NAME") String name,
      @Parameters(index = "1", paramLabel = "KEY", arity = "0..1") String key,
      @Option(names = "--secret", paramLabel = "SECRET", description = "Bind to this secret (its CURRENT version"
          + " by default).") String secret,
      @Option(names = "--selector", paramLabel = "K=V", description = "Bind by key tags (repeatable; all must"
          + " match).") Map<String, String> selector,
      @Option(names = "--pinned", description = "Pin the version: it moves only when the consumer confirms.")
          boolean pinned,
      @Option(names = "--version", paramLabel = "N", description = "The version it uses now (default: the"
          + " primary or CURRENT version; required with --pinned).") Integer version,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if ((key == null ? 0 : 1) + (secret == null ? 0 : 1) + (selector == null ? 0 : 1) != 1) {
      throw usage("give exactly one of KEY, --secret or --selector");
    }
    if (secret != null) {
      BindingView b = consumers().bindSecret(name, secret, pinned ? "pinned" : "latest", version);
      if (json) {
        printJson(b);
        return 0;
      }
      printBindings(List.of(b));
      return 0;
    }
    if (key == null) {
      BindingList all = consumers().bindSelector(name, selector);
      if (json) {
        printJson(all);
        return 0;
      }
      printBindings(all.bindings());
      return 0;
    }
    BindingView b = consumers().bind(name, key, pinned ? "pinned" : "latest", version);
    if (json) {
      printJson(b);
      return 0;
    }
    printBindings(List.of(b));
    return 0;
  }

  @Command(name = "unbind", description = "Remove a binding to a key (or with --secret to a secret, with"
      + " --selector a tag selector).")
  int unbind(
      @Parameters(index = "0", paramLabel = "NAME") String name,
      @Parameters(index = "1", paramLabel = "KEY", arity = "0..1") String key,
      @Option(names = "--secret", paramLabel = "SECRET") String secret,
      @Option(names = "--selector", paramLabel = "K=V") Map<String, String> selector) {
    if ((key == null ? 0 : 1) + (secret == null ? 0 : 1) + (selector == null ? 0 : 1) != 1) {
      throw usage("give exactly one of KEY, --secret or --selector");
    }
    if (key != null) {
      consumers().unbind(name, key);
    } else if (secret != null) {
      consumers().unbindSecret(name, secret);
    } else {
      consumers().unbindSelector(name, selector);
    }
    out().println("Unbound " + name + " from " + (key != null ? key : secret != null ? "secret " + secret
        : WebhookCommands.tags(selector)));
    return 0;
  }

  @Command(name = "confirm", description = "Report that the consumer now uses VERSION of KEY (confirm NAME KEY"
      + " VERSION) or of a secret (confirm NAME --secret SECRET VERSION).")
  int confirm(
      @Parameters(index = "0", paramLabel = "NAME") String name,
      @Parameters(index = "1..2", paramLabel = "KEY VERSION", arity = "1..2") List<String> rest,
      @Option(names = "--secret", paramLabel = "SECRET") String secret,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (rest.size() != (secret == null ? 2 : 1)) {
      throw usage(secret == null ? "give KEY and VERSION" : "with --secret give only VERSION");
    }
    int version;
    try {
      version = Integer.parseInt(rest.get(rest.size() - 1));
    } catch (NumberFormatException e) {
      throw usage("VERSION must be a number, got '" + rest.get(rest.size() - 1) + "'");
    }
    BindingView b = secret != null ? consumers().confirmSecret(name, secret, version)
        : consumers().confirm(name, rest.get(0), version);
    if (json) {
      printJson(b);
      return 0;
    }
    printBindings(List.of(b));
    return 0;
  }

  @Command(name = "bindings", description = "List the consumers bound to a key (--key) or a secret (--secret).")
  int bindings(
      @Option(names = "--key", paramLabel = "KEY") String key,
      @Option(names = "--secret", paramLabel = "SECRET") String secret,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if ((key == null) == (secret == null)) {
      throw usage("give either --key or --secret");
    }
    BindingList list = key != null ? consumers().bindingsOfKey(key) : consumers().bindingsOfSecret(secret);
    if (json) {
      printJson(list);
      return 0;
    }
    printBindings(list.bindings());
    return 0;
  }

  @Command(name = "policy", description = "Show or set how rotations of KEY (or, without KEY, of the namespace)"
      + " reach consumers.")
  int policy(
      @Parameters(paramLabel = "KEY", arity = "0..1") String key,
      @Option(names = "--deadline", paramLabel = "DURATION", description = "Time to move, e.g. PT1H.") String deadline,
      @Option(names = "--quiet-period", paramLabel = "DURATION", description = "How long a version just left"
          + " stays protected from retirement.") String quiet,
      @Option(names = "--verify-before-promote", arity = "1", paramLabel = "true|false", description = "Consumers' hooks must"
          + " validate a new version before it becomes primary.") Boolean verify,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    PropagationPolicyView p = deadline == null && quiet == null && verify == null ? consumers().policy(key)
        : consumers().setPolicy(key, new PropagationPolicyView(deadline, quiet, verify));
    if (json) {
      printJson(p);
      return 0;
    }
    out().println("deadline:      " + p.deadline());
    out().println("quiet period:  " + p.quietPeriod());
    out().println("verify before promote: " + p.verifyBeforePromote());
    return 0;
  }

  private int print(ConsumerView c, boolean json) {
    if (json) {
      printJson(c);
      return 0;
    }
    if (c.hookSecret() != null) {
      out().println("hook secret: " + c.hookSecret());
    }
    out().println("name:        " + c.name());
    out().println("namespace:   " + c.namespace());
    out().println("kind:        " + c.kind());
    out().println("owner:       " + orDash(c.owner()));
    out().println("principal:   " + orDash(c.principal()));
    out().println("hook:        " + orDash(c.hookUrl()));
    out().println("tags:        " + WebhookCommands.tags(c.tags()));
    if (c.selectors() != null && !c.selectors().isEmpty()) {
      out().println("selectors:   " + c.selectors().stream().map(WebhookCommands::tags).toList());
    }
    if (c.bindings() != null && !c.bindings().isEmpty()) {
      out().println();
      printBindings(c.bindings());
    }
    return 0;
  }

  void printBindings(List<BindingView> bindings) {
    printBindings(out(), bindings);
  }

  static void printBindings(java.io.PrintStream out, List<BindingView> bindings) {
    Table table = new Table("CONSUMER", "SUBJECT", "MODE", "VERSION", "TARGET", "STATE", "DEADLINE", "HOOK");
    for (BindingView b : bindings) {
      String subject = "secret".equals(b.subjectKind()) ? "secret:" + b.key() : b.key();
      table.row(b.consumer(), subject, b.mode(), b.version() == 0 ? "?" : String.valueOf(b.version()),
          String.valueOf(b.targetVersion()), b.state(), orDash(b.deadline()),
          b.hookState() + (b.hookAttempts() > 0 ? " (" + b.hookAttempts() + ")" : ""));
    }
    table.print(out);
  }
}
