package dev.rekey.cli;

import dev.rekey.api.SecretGuardrailView;
import dev.rekey.api.SecretPutRequest;
import dev.rekey.api.SecretRotationConfigView;
import dev.rekey.api.SecretRotationStatus;
import dev.rekey.api.SecretRotationView;
import dev.rekey.api.SecretValueResponse;
import dev.rekey.api.SecretVersionView;
import dev.rekey.api.SecretView;
import dev.rekey.client.SecretsClient;
import dev.rekey.client.VersionAction;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rekey secret ...}: versioned secrets with staging labels, expiry and a namespace guardrail. */
@Command(name = "secret", description = "Manage versioned secrets (labels CURRENT, PENDING, PREVIOUS).",
    mixinStandardHelpOptions = true)
final class SecretCommands extends CliCommand {

  private SecretsClient secrets() {
    return client().secrets();
  }

  @Command(name = "put", description = "Write a new version from --value or standard input (raw bytes).")
  int put(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--value", paramLabel = "TEXT", description = "The value (default: read stdin).") String value,
      @Option(names = "--ttl", paramLabel = "DURATION", description = "Expire after this ISO-8601 duration, e.g. P30D.")
          String ttl,
      @Option(names = "--expires-at", paramLabel = "TIME", description = "Expire at this ISO-8601 time.") String expiresAt,
      @Option(names = "--cas", paramLabel = "N", description = "Only write when CURRENT is version N (0: only create).")
          Integer cas,
      @Option(names = "--pending", description = "Write the version as PENDING, not CURRENT.") boolean pending,
      @Option(names = "--tag", paramLabel = "K=V", description = "Tags (repeatable); replace the secret's tags.")
          Map<String, String> tags,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    String base64 = value == null ? Base64.getEncoder().encodeToString(stdin()) : null;
    SecretView view = secrets().put(name, new SecretPutRequest(value, base64, cas, expiresAt, ttl,
        pending ? Boolean.TRUE : null, tags == null ? null : new LinkedHashMap<>(tags)));
    if (json) {
      printJson(view);
    } else {
      out().println("Wrote secret " + name + " v" + view.latestVersion() + (pending ? " (PENDING)" : " (CURRENT)"));
    }
    return 0;
  }

  @Command(name = "get", description = "Write a version's value to stdout (raw bytes): CURRENT by default.")
  int get(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--label", paramLabel = "LABEL", description = "CURRENT, PENDING, PREVIOUS or a custom label.")
          String label,
      @Option(names = "--version", paramLabel = "N", description = "A version number instead of a label.") Integer version,
      @Option(names = "--json", description = "Print the server's JSON (value, labels, expiry).") boolean json) {
    if (label != null && version != null) {
      throw usage("--label and --version are exclusive");
    }
    SecretValueResponse r = secrets().read(name, label, version);
    if (json) {
      printJson(r);
      return 0;
    }
    byte[] bytes = Base64.getDecoder().decode(r.valueBase64());
    out().write(bytes, 0, bytes.length);
    out().flush();
    return 0;
  }

  @Command(name = "list", description = "List the secrets of the namespace (metadata only).")
  int list(@Option(names = "--json", description = "Print JSON.") boolean json) {
    List<SecretView> all = secrets().listAll();
    if (json) {
      printJson(Map.of("secrets", all));
      return 0;
    }
    Table table = new Table("NAME", "CURRENT", "PREVIOUS", "PENDING", "LATEST", "EXPIRES");
    for (SecretView s : all) {
      SecretVersionView current = s.versions().get(s.currentVersion() - 1);
      table.row(s.name(), "v" + s.currentVersion(), version(s.previousVersion()), version(s.pendingVersion()),
          "v" + s.latestVersion(), orDash(current.expiresAt()));
    }
    table.print(out());
    return 0;
  }

  @Command(name = "history", description = "Show a secret's versions, states, labels and expiry.")
  int history(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    SecretView s = secrets().metadata(name);
    if (json) {
      printJson(s);
      return 0;
    }
    out().println("name:      " + s.name());
    out().println("namespace: " + s.namespace());
    out().println("tags:      " + s.tags());
    out().println();
    Table table = new Table("VERSION", "STATE", "LABELS", "CREATED", "EXPIRES");
    for (SecretVersionView v : s.versions()) {
      table.row("v" + v.version(), v.state(), v.labels().isEmpty() ? "-" : String.join(",", v.labels()),
          orDash(v.createdAt()), orDash(v.expiresAt()));
    }
    table.print(out());
    return 0;
  }

  @Command(name = "label", description = "Point LABEL at VERSION; the label CURRENT promotes the version.")
  int label(
      @Parameters(index = "0", paramLabel = "NAME") String name,
      @Parameters(index = "1", paramLabel = "LABEL") String label,
      @Parameters(index = "2", paramLabel = "VERSION") int version) {
    SecretView s = secrets().label(name, label, version);
    out().println("Secret " + name + ": " + label + " -> v" + version + " (current v" + s.currentVersion() + ")");
    return 0;
  }

  @Command(name = "unlabel", description = "Remove a custom label.")
  int unlabel(
      @Parameters(index = "0", paramLabel = "NAME") String name,
      @Parameters(index = "1", paramLabel = "LABEL") String label) {
    secrets().unlabel(name, label);
    out().println("Secret " + name + ": removed label " + label);
    return 0;
  }

  @Command(name = "version", description = "Lifecycle action on a version other than CURRENT: disable, enable, "
      + "retire, revoke, schedule-destroy, cancel-destroy, destroy.")
  int version(
      @Parameters(index = "0", paramLabel = "ACTION") String action,
      @Parameters(index = "1", paramLabel = "NAME") String name,
      @Parameters(index = "2", paramLabel = "VERSION") int version,
      @Option(names = "--pending-days", paramLabel = "DAYS", description = "For schedule-destroy.") Integer pendingDays,
      @Option(names = "--force", description = "Retire, disable or destroy even though bound consumers still use"
          + " the version (the override is audited).") boolean force) {
    VersionAction a;
    try {
      a = VersionAction.fromWire(action);
    } catch (IllegalArgumentException e) {
      throw usage("unknown action '" + action + "'; expected one of disable, enable, retire, revoke, "
          + "schedule-destroy, cancel-destroy, destroy");
    }
    if (pendingDays != null && a != VersionAction.SCHEDULE_DESTROY) {
      throw usage("--pending-days applies to schedule-destroy only");
    }
    SecretView s = secrets().versionAction(name, version, a, pendingDays, force);
    out().println("Secret " + name + " v" + version + ": " + s.versions().get(version - 1).state()
        + (force ? " (forced)" : ""));
    return 0;
  }

  @Command(name = "rotate", description = "Start a rotation now (create, set, test, finish) and wait for it.")
  int rotate(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--no-wait", description = "Return once the rotation has started.") boolean noWait,
      @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT60S",
          description = "How long to wait (default PT60S).") String timeout,
      @Option(names = "--json", description = "Print JSON.") boolean json) {
    SecretRotationView r = noWait ? secrets().rotate(name) : secrets().rotateAndWait(name, parse("--timeout", timeout));
    if (json) {
      printJson(r);
    } else {
      out().println("Rotation " + r.id() + " of " + name + ": " + r.status() + " at step " + r.step()
          + (r.pendingVersion() == null ? "" : " (pending v" + r.pendingVersion() + ")")
          + (r.lastError() == null ? "" : "; last error: " + r.lastError()));
    }
    return "abandoned".equals(r.status()) || (!noWait && "running".equals(r.status())) ? 1 : 0;
  }

  @Command(name = "rotation", description = "Show or set how a secret rotates: --rotator generated|dual-key|"
      + "webhook-hmac|postgresql with --param K=V, --period, --before-expiry; --remove to stop.")
  int rotation(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--rotator", paramLabel = "TYPE") String rotator,
      @Option(names = "--param", paramLabel = "K=V", description = "Rotator parameter (repeatable).")
          Map<String, String> params,
      @Option(names = "--period", paramLabel = "DURATION", description = "Rotate on this period, e.g. P30D.") String period,
      @Option(names = "--before-expiry", paramLabel = "DURATION", description = "Rotate this long before CURRENT expires.")
          String beforeExpiry,
      @Option(names = "--remove", description = "Remove the rotation configuration.") boolean remove,
      @Option(names = "--json", description = "Print JSON.") boolean json) {
    if (remove) {
      client().requestJson("DELETE", dev.rekey.api.ApiPaths.secret(name) + "/rotation", null);
      out().println("Secret " + name + ": rotation configuration removed");
      return 0;
    }
    if (rotator != null) {
      secrets().configureRotation(name, new SecretRotationConfigView(rotator,
          params == null ? Map.of() : new LinkedHashMap<>(params), period, beforeExpiry, null));
    } else if (params != null || period != null || beforeExpiry != null) {
      throw usage("--param, --period and --before-expiry need --rotator");
    }
    SecretRotationStatus status = secrets().rotationStatus(name);
    if (json) {
      printJson(status);
      return 0;
    }
    SecretRotationConfigView c = status.config();
    out().println("rotator:        " + c.rotator() + " " + c.params());
    out().println("period:         " + orDash(c.period()));
    out().println("before expiry:  " + orDash(c.rotateBeforeExpiry()));
    out().println("next due:       " + orDash(c.nextDueAt()));
    out().println();
    Table table = new Table("ROTATION", "TRIGGER", "STATUS", "STEP", "FAILURES", "STARTED", "LAST-ERROR");
    for (SecretRotationView r : status.rotations()) {
      table.row(r.id(), r.trigger(), r.status(), r.step(), String.valueOf(r.failures()), r.startedAt(),
          orDash(r.lastError()));
    }
    table.print(out());
    return 0;
  }

  @Command(name = "guardrail", description = "Show or set the namespace's rules for new secret versions;"
      + " a rule not given keeps its current setting.")
  int guardrail(
      @Option(names = "--require-expiry", description = "Deny versions without an expiry (--require-expiry=false"
          + " allows them again).") Boolean requireExpiry,
      @Option(names = "--max-lifetime", paramLabel = "DURATION", description = "Deny expiries further away, e.g. P90D;"
          + " 'none' removes the maximum.") String maxLifetime,
      @Option(names = "--json", description = "Print JSON.") boolean json) {
    SecretGuardrailView g;
    if (requireExpiry == null && maxLifetime == null) {
      g = secrets().guardrail();
    } else {
      Duration lifetime = maxLifetime == null || maxLifetime.equalsIgnoreCase("none") ? null : duration(maxLifetime);
      SecretGuardrailView current = requireExpiry == null || maxLifetime == null ? secrets().guardrail() : null;
      boolean require = requireExpiry != null ? requireExpiry : Boolean.TRUE.equals(current.requireExpiry());
      if (maxLifetime == null && current.maxLifetime() != null) {
        lifetime = duration(current.maxLifetime());
      }
      g = secrets().setGuardrail(require, lifetime);
    }
    if (json) {
      printJson(g);
    } else {
      out().println("namespace:      " + g.namespace());
      out().println("require expiry: " + (Boolean.TRUE.equals(g.requireExpiry()) ? "yes" : "no"));
      out().println("max lifetime:   " + orDash(g.maxLifetime()));
    }
    return 0;
  }

  private Duration duration(String text) {
    return parse("--max-lifetime", text);
  }

  private Duration parse(String option, String text) {
    try {
      return Duration.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw usage(option + " must be an ISO-8601 duration such as P90D");
    }
  }

  private static String version(Integer v) {
    return v == null ? "-" : "v" + v;
  }
}
