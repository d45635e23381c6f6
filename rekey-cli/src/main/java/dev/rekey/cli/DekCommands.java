package dev.rekey.cli;

import dev.rekey.api.DekList;
import dev.rekey.api.DekPlaintext;
import dev.rekey.api.DekVersionView;
import dev.rekey.api.DekView;
import dev.rekey.client.RekeyClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rekey dek ...}: server-held tenant data keys under a key (the KEK). */
@Command(name = "dek", description = "Manage server-held tenant data keys.", mixinStandardHelpOptions = true)
final class DekCommands extends CliCommand {

  @Command(name = "create", description = "Create version 1 of a tenant's data key under KEY.")
  int create(@Parameters(index = "0", paramLabel = "KEY") String key,
      @Parameters(index = "1", paramLabel = "TENANT") String tenant,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    DekView d = client().deks().create(key, tenant);
    return print(json, d, "Created");
  }

  @Command(name = "rotate", description = "Add a new version of a tenant's data key; older versions stay readable.")
  int rotate(@Parameters(index = "0", paramLabel = "KEY") String key,
      @Parameters(index = "1", paramLabel = "TENANT") String tenant,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return print(json, client().deks().rotate(key, tenant), "Rotated");
  }

  @Command(name = "get", description = "Print a tenant's data key in the clear (base64).")
  int get(@Parameters(index = "0", paramLabel = "KEY") String key,
      @Parameters(index = "1", paramLabel = "TENANT") String tenant,
      @Option(names = "--version", paramLabel = "N", description = "The DEK version (default: the latest).")
          Integer version,
      @Option(names = "--json", description = "Print the server's JSON (with versions).") boolean json) {
    DekPlaintext d = client().deks().fetch(key, tenant, version);
    if (json) {
      printJson(d);
    } else {
      out().println(d.plaintext());
    }
    return 0;
  }

  @Command(name = "show", description = "Show a tenant's data key versions and the KEK version wrapping each.")
  int show(@Parameters(index = "0", paramLabel = "KEY") String key,
      @Parameters(index = "1", paramLabel = "TENANT") String tenant,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return print(json, client().deks().get(key, tenant), null);
  }

  @Command(name = "list", description = "List the tenants' data keys under KEY (metadata only).")
  int list(@Parameters(index = "0", paramLabel = "KEY") String key,
      @Option(names = "--json", description = "Print the server's JSON (all pages in one).") boolean json) {
    RekeyClient client = client();
    List<DekView> all = new java.util.ArrayList<>();
    String after = null;
    do {
      DekList page = client.deks().list(key, after, null);
      all.addAll(page.deks());
      after = page.deks().isEmpty() ? null : page.nextAfter();
    } while (after != null);
    if (json) {
      printJson(new DekList(all, null));
      return 0;
    }
    Table table = new Table("TENANT", "LATEST", "KEK-VERSION", "CREATED");
    for (DekView d : all) {
      table.row(d.tenant(), "v" + d.latestVersion(), "v" + d.kekVersion(), orDash(d.createdAt()));
    }
    table.print(out());
    return 0;
  }

  private int print(boolean json, DekView d, String verb) {
    if (json) {
      printJson(d);
      return 0;
    }
    if (verb != null) {
      out().println(verb + " data key of tenant " + d.tenant() + " under " + d.key() + ": v" + d.latestVersion()
          + " (wrapped by key v" + d.kekVersion() + ")");
      return 0;
    }
    out().println("key:     " + d.key());
    out().println("tenant:  " + d.tenant());
    out().println("latest:  v" + d.latestVersion());
    out().println();
    Table table = new Table("VERSION", "KEK-VERSION", "CREATED");
    for (DekVersionView v : d.versions() == null ? List.<DekVersionView>of() : d.versions()) {
      table.row("v" + v.version(), "v" + v.kekVersion(), orDash(v.createdAt()));
    }
    table.print(out());
    return 0;
  }
}
