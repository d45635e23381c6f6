package dev.rekey.cli;

import dev.rekey.api.ApiPaths;
import dev.rekey.api.InitRequest;
import dev.rekey.api.InitResponse;
import dev.rekey.api.RotateRootResponse;
import dev.rekey.api.SealStatus;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rekey operator ...}: initialize, unseal, seal, rotate the root key. */
@Command(name = "operator", description = "Initialize, unseal and seal the server; rotate the root key.",
    mixinStandardHelpOptions = true)
final class OperatorCommands extends CliCommand {

  @Command(name = "init", description = "Initialize the server once; print the unseal shares and the root token.")
  int init(
      @Option(names = "--shares", paramLabel = "N", description = "Number of unseal shares (Shamir seal).") Integer shares,
      @Option(names = "--threshold", paramLabel = "T", description = "Shares needed to unseal.") Integer threshold,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (shares != null && threshold != null && (threshold < 1 || threshold > shares)) {
      throw usage("--threshold must be between 1 and --shares");
    }
    InitRequest request = new InitRequest(shares, threshold);
    if (json) {
      printJson(client().requestJson("POST", ApiPaths.INIT, request));
      return 0;
    }
    InitResponse init = client().init(shares, threshold);
    List<String> keyShares = init.shares() == null ? List.of() : init.shares();
    for (int i = 0; i < keyShares.size(); i++) {
      out().println("Unseal share " + (i + 1) + ": " + keyShares.get(i));
    }
    out().println("Root token: " + init.rootToken());
    out().println();
    out().println("Store the shares apart and the root token safely; they are not shown again.");
    return 0;
  }

  @Command(name = "unseal", description = "Submit one unseal share (argument or stdin); print the progress.")
  int unseal(
      @Parameters(paramLabel = "SHARE", arity = "0..1", description = "The share; read from stdin when absent.")
          String share,
      @Option(names = "--reset", description = "Discard the shares submitted so far.") boolean reset,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (reset && share != null) {
      throw usage("give either SHARE or --reset");
    }
    SealStatus status = reset ? client().resetUnseal() : client().unseal(share != null ? share.trim() : stdinText("an unseal share"));
    if (json) {
      printJson(status);
    } else {
      printSealStatus(out(), status);
    }
    return 0;
  }

  @Command(name = "seal", description = "Seal the server: it forgets the root key until unsealed.")
  int seal() {
    client().seal();
    out().println("Sealed.");
    return 0;
  }

  @Command(name = "seal-status", description = "Show whether the server is sealed and the unseal progress.")
  int sealStatus(@Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (json) {
      printJson(client().requestJson("GET", ApiPaths.SEAL_STATUS, null));
      return 0;
    }
    printSealStatus(out(), client().sealStatus());
    return 0;
  }

  @Command(name = "rotate-root", description = "Rotate the root key and rewrap all stored key material.")
  int rotateRoot(@Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (json) {
      printJson(client().requestJson("POST", ApiPaths.ROTATE_ROOT, null));
      return 0;
    }
    RotateRootResponse response = client().rotateRoot();
    out().println("Root key rotated: " + response.rootKeyId() + ", " + response.rewrappedKeys() + " keys rewrapped");
    return 0;
  }

  /** The human seal-status lines (also used by {@code rekey status}). */
  static void printSealStatus(java.io.PrintStream out, SealStatus s) {
    out.println("initialized:  " + s.initialized());
    out.println("sealed:       " + s.sealed());
    out.println("seal type:    " + orDash(s.sealType()));
    // shares and threshold mean something only for the shamir seal (file and pkcs11 report 0)
    if (s.threshold() != null && s.threshold() > 0) {
      out.println("shares:       " + orDash(s.shares()) + " (threshold " + s.threshold() + ")");
      if (s.sealed()) {
        out.println("progress:     " + orDash(s.progress()) + "/" + s.threshold());
      }
    }
  }
}
