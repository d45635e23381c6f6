package dev.rekey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rekey.api.ApiPaths;
import dev.rekey.api.CreateKeyRequest;
import dev.rekey.api.KeyVersionUsage;
import dev.rekey.api.KeyVersionView;
import dev.rekey.api.KeyView;
import dev.rekey.api.PublicKeyView;
import dev.rekey.api.RotateRequest;
import dev.rekey.api.ScheduleDestroyRequest;
import dev.rekey.api.UpdateKeyRequest;
import dev.rekey.client.RekeyClient;
import dev.rekey.client.VersionAction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rekey key ...}: create, rotate, show, list and configure keys and their versions. */
@Command(name = "key", description = "Manage keys and their versions.",
    mixinStandardHelpOptions = true, subcommandsRepeatable = false)
final class KeyCommands extends CliCommand {

  @Command(name = "create", description = "Create a key.")
  int create(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--type", paramLabel = "TYPE", description = "aes256-gcm (default), hmac-sha256/384/512, "
          + "or a signing type: ed25519, ecdsa-p256, ecdsa-p384, rsa-pss-2048/3072/4096 (passed to the server as given)")
          String type,
      @Option(names = "--tag", paramLabel = "K=V", description = "A tag (repeatable).") Map<String, String> tags,
      @Option(names = "--exportable", description = "Allow explicit export of the key's material later (one way;"
          + " the server must also allow export).") boolean exportable,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    CreateKeyRequest request = new CreateKeyRequest(name, type, tags == null ? null : new LinkedHashMap<>(tags),
        exportable ? Boolean.TRUE : null);
    return render(json, () -> client().requestJson("POST", ApiPaths.KEYS, request),
        () -> client().createKey(request), "Created");
  }

  @Command(name = "rotate", description = "Add a new version: primary, or pending with --pending.")
  int rotate(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--pending", description = "Add the version as pending; promote it later.") boolean pending,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return render(json,
        () -> client().requestJson("POST", ApiPaths.keyOperation(name, "rotate"), new RotateRequest(!pending)),
        () -> client().rotateKey(name, !pending), "Rotated");
  }

  @Command(name = "emergency-rotate", description = "Revoke a compromised version at once; a compromised primary "
      + "is replaced by a new primary first.")
  int emergencyRotate(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--version", paramLabel = "N", description = "The compromised version (default: the primary "
          + "when the server gets the request). Name it to be sure a rotation in between does not change which.")
          Integer version,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (version != null && version < 1) {
      throw usage("--version must be 1 or more");
    }
    if (json) {
      printJson(client().requestJson("POST", ApiPaths.keyOperation(name, "emergency-rotate"),
          version == null ? null : new dev.rekey.api.EmergencyRotateRequest(version)));
      return 0;
    }
    KeyView key = client().emergencyRotate(name, version);
    // the version named, or the one revoked last
    Integer revoked = version != null ? version : key.versions().stream()
        .filter(v -> "revoked".equals(v.state()) && instantOrNull(v.stateChangedAt()) != null)
        .max(java.util.Comparator.comparing(v -> instantOrNull(v.stateChangedAt())))
        .map(dev.rekey.api.KeyVersionView::version).orElse(null);
    out().println("Emergency-rotated key " + key.name() + ": " + (revoked == null ? "" : "v" + revoked + " revoked, ")
        + "primary v" + key.primaryVersion() + ", latest v" + key.latestVersion());
    return 0;
  }

  @Command(name = "show", description = "Show a key and its versions.")
  int show(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return render(json, () -> client().requestJson("GET", ApiPaths.key(name), null),
        () -> client().getKey(name), null);
  }

  @Command(name = "public-key", description = "Print the public key of a signing key: PEM by default.")
  int publicKey(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--version", paramLabel = "N", description = "The version (default: the primary).") Integer version,
      @Option(names = "--jwk", description = "Print the JWK instead of the PEM.") boolean jwk,
      @Option(names = "--json", description = "Print the server's JSON (version, algorithm, pem, jwk).") boolean json) {
    if (jwk && json) {
      throw usage("--jwk and --json are exclusive");
    }
    if (json) {
      printJson(client().requestJson("GET", ApiPaths.publicKey(name, version), null));
      return 0;
    }
    PublicKeyView view = client().signing().publicKey(name, version);
    if (jwk) {
      printJson(view.jwk());
      return 0;
    }
    String pem = view.pem() == null ? "" : view.pem().strip();
    out().println(pem);
    return 0;
  }

  @Command(name = "export", description = "Print the material of an exportable key: the private key as PKCS#8"
      + " PEM for signing keys, base64 bytes for symmetric keys. Needs key_export.enabled on the server and the"
      + " admin role; always audited. Treat the output as the secret it is.")
  int export(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--version", paramLabel = "N", description = "The version (default: the primary).") Integer version,
      @Option(names = "--json", description = "Print the server's JSON (name, version, type, format, value).") boolean json) {
    if (json) {
      printJson(client().requestJson("POST", ApiPaths.keyOperation(name, "export"),
          new dev.rekey.api.KeyExportRequest(version)));
      return 0;
    }
    out().println(client().exportKey(name, version).value().strip());
    return 0;
  }

  @Command(name = "list", description = "List the keys of the namespace.")
  int list(@Option(names = "--json", description = "Print the server's JSON (all pages in one).") boolean json) {
    RekeyClient client = client();
    if (json) {
      ObjectNode all = MAPPER.createObjectNode();
      ArrayNode keys = all.putArray("keys");
      String after = null;
      do {
        JsonNode page = client.requestJson("GET", RekeyClient.keysPath(after, null), null);
        page.path("keys").forEach(keys::add);
        JsonNode next = page.path("next_after");
        after = next.isTextual() && page.path("keys").size() > 0 ? next.asText() : null;
      } while (after != null);
      all.putNull("next_after");
      printJson(all);
      return 0;
    }
    List<KeyView> keys = client.listAllKeys();
    Table table = new Table("NAME", "TYPE", "PRIMARY", "LATEST", "MIN-DECRYPT", "TAGS");
    for (KeyView k : keys) {
      table.row(k.name(), k.type(), "v" + k.primaryVersion(), "v" + k.latestVersion(),
          "v" + k.minDecryptionVersion(), tags(k.tags()));
    }
    table.print(out());
    return 0;
  }

  @Command(name = "update", description = "Change minimum versions or tags.")
  int update(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--min-decryption-version", paramLabel = "N") Integer minDecryption,
      @Option(names = "--min-encryption-version", paramLabel = "N") Integer minEncryption,
      @Option(names = "--tag", paramLabel = "K=V", description = "Tags (repeatable); replace the key's tags.")
          Map<String, String> tags,
      @Option(names = "--exportable", description = "Make the key exportable (one way).") boolean exportable,
      @Option(names = "--force", description = "Raise the minimum decryption version even though consumers still"
          + " use a version it retires (the override is audited).") boolean force,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (minDecryption == null && minEncryption == null && tags == null && !exportable) {
      throw usage("nothing to update: give --min-decryption-version, --min-encryption-version, --tag or --exportable");
    }
    UpdateKeyRequest request = new UpdateKeyRequest(minDecryption, minEncryption,
        tags == null ? null : new LinkedHashMap<>(tags), exportable ? Boolean.TRUE : null);
    String path = ApiPaths.key(name) + (force ? "?force=true" : "");
    return render(json, () -> client().requestJson("PATCH", path, request),
        () -> client().updateKey(name, request, force), force ? "Updated (forced)" : "Updated");
  }

  @Command(name = "version", description = "Apply a lifecycle action to one version: promote, retire, "
      + "disable, enable, revoke, schedule-destroy, cancel-destroy, destroy.")
  int version(
      @Parameters(index = "0", paramLabel = "ACTION") String action,
      @Parameters(index = "1", paramLabel = "NAME") String name,
      @Parameters(index = "2", paramLabel = "VERSION") int version,
      @Option(names = "--pending-days", paramLabel = "N", description = "Waiting period for schedule-destroy.")
          Integer pendingDays,
      @Option(names = "--force", description = "Retire, disable or schedule destruction even though consumers"
          + " still use the version (the override is audited).") boolean force,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    VersionAction parsed;
    try {
      parsed = VersionAction.fromWire(action);
    } catch (IllegalArgumentException e) {
      throw usage("unknown action '" + action + "'; expected one of promote, retire, disable, enable, revoke, "
          + "schedule-destroy, cancel-destroy, destroy");
    }
    if (pendingDays != null && parsed != VersionAction.SCHEDULE_DESTROY) {
      throw usage("--pending-days applies to schedule-destroy only");
    }
    Object body = parsed == VersionAction.SCHEDULE_DESTROY ? new ScheduleDestroyRequest(pendingDays) : null;
    if (force) {
      return render(json,
          () -> client().requestJson("POST", ApiPaths.versionAction(name, version, parsed.wire()) + "?force=true", body),
          () -> client().versionAction(name, version, parsed, pendingDays, true),
          "Applied " + parsed.wire() + " (forced) to version " + version + " of");
    }
    return render(json,
        () -> client().requestJson("POST", ApiPaths.versionAction(name, version, parsed.wire()), body),
        () -> parsed == VersionAction.SCHEDULE_DESTROY
            ? client().scheduleDestroy(name, version, pendingDays)
            : client().versionAction(name, version, parsed),
        "Applied " + parsed.wire() + " to version " + version + " of");
  }

  private int render(boolean json, java.util.function.Supplier<JsonNode> raw,
      java.util.function.Supplier<KeyView> typed, String verb) {
    if (json) {
      printJson(raw.get());
      return 0;
    }
    KeyView key = typed.get();
    if (verb != null) {
      out().println(verb + " key " + key.name() + ": primary v" + key.primaryVersion()
          + ", latest v" + key.latestVersion());
      return 0;
    }
    printKey(key);
    return 0;
  }

  private static java.time.Instant instantOrNull(String text) {
    try {
      return text == null ? null : java.time.Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private void printKey(KeyView k) {
    out().println("name:           " + k.name());
    out().println("namespace:      " + k.namespace());
    out().println("type:           " + k.type() + (k.purpose() == null ? "" : " (" + k.purpose() + ")"));
    out().println("primary:        v" + k.primaryVersion() + "  (latest v" + k.latestVersion() + ")");
    out().println("min decryption: v" + k.minDecryptionVersion());
    out().println("min encryption: v" + k.minEncryptionVersion());
    out().println("tags:           " + tags(k.tags()));
    out().println("created:        " + orDash(k.createdAt()));
    if (k.jwksUrl() != null) {
      out().println("jwks url:       " + k.jwksUrl());
    }
    if (k.exportable()) {
      out().println("exportable:     yes");
    }
    out().println();
    Table table = new Table("VERSION", "STATE", "CREATED", "STATE-CHANGED", "DESTROY-AFTER");
    for (KeyVersionView v : k.versions() == null ? List.<KeyVersionView>of() : k.versions()) {
      table.row("v" + v.version(), v.state(), orDash(v.createdAt()), orDash(v.stateChangedAt()),
          orDash(v.destroyAfter()));
    }
    table.print(out());
    printUsage(k);
  }

  /** Per-version usage as the server counted it (shown by {@code key show}, absent elsewhere). */
  private void printUsage(KeyView k) {
    List<KeyVersionView> versions = k.versions() == null ? List.of() : k.versions();
    if (versions.stream().allMatch(v -> v.usage() == null)) {
      return;
    }
    String purpose = k.purpose() == null ? "" : k.purpose();
    out().println();
    out().println("usage (all nodes; counts may trail other nodes by one flush):");
    Table table = switch (purpose) {
      case "signing" -> new Table("VERSION", "SIGN", "VERIFY", "LAST-USED");
      case "mac" -> new Table("VERSION", "MAC", "MAC-VERIFY", "LAST-USED");
      default -> new Table("VERSION", "ENCRYPT", "DECRYPT", "REWRAP", "DATAKEY", "LAST-USED");
    };
    for (KeyVersionView v : versions) {
      KeyVersionUsage u = v.usage() == null ? KeyVersionUsage.NONE : v.usage();
      String last = orDash(u.lastUsedAt());
      switch (purpose) {
        case "signing" -> table.row("v" + v.version(), n(u.sign()), n(u.verify()), last);
        case "mac" -> table.row("v" + v.version(), n(u.mac()), n(u.macVerify()), last);
        default -> table.row("v" + v.version(), n(u.encrypt()), n(u.decrypt()), n(u.rewrap()), n(u.datakey()), last);
      }
    }
    table.print(out());
  }

  private static String n(long count) {
    return Long.toString(count);
  }

  /** Tags as {@code k=v,k=v} sorted by key, or {@code -}. */
  static String tags(Map<String, String> tags) {
    if (tags == null || tags.isEmpty()) {
      return "-";
    }
    return tags.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }
}
