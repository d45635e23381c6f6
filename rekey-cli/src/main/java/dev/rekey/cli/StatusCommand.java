package dev.rekey.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rekey.api.BindingList;
import dev.rekey.api.Health;
import dev.rekey.api.SealStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rekey status}: health, seal status and, when the token may read consumers, the stale
 * bindings of the namespace (consumers that did not follow a rotation in time); exit 0 whenever
 * the server answered.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show server health, seal status and"
    + " stale consumer bindings.")
final class StatusCommand extends CliCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print {\"health\":...,\"seal_status\":...}.")
  boolean json;

  @Override
  public Integer call() {
    Health health = client().health();
    SealStatus seal = client().sealStatus();
    if (json) {
      ObjectNode node = MAPPER.createObjectNode();
      node.set("health", MAPPER.valueToTree(health));
      node.set("seal_status", MAPPER.valueToTree(seal));
      BindingList stale = staleBindings(seal);
      if (stale != null) {
        node.set("stale_bindings", MAPPER.valueToTree(stale.bindings()));
      }
      printJson(node);
      return 0;
    }
    out().println("address:      " + root().address);
    out().println("status:       " + health.status());
    out().println("version:      " + orDash(health.version()));
    OperatorCommands.printSealStatus(out(), seal);
    BindingList stale = staleBindings(seal);
    if (stale != null) {
      out().println("stale bindings: " + stale.bindings().size());
      if (!stale.bindings().isEmpty()) {
        ConsumerCommands.printBindings(out(), stale.bindings());
      }
    }
    return 0;
  }

  /** The namespace's STALE bindings, or null when they cannot be read (sealed, no token, not allowed). */
  private BindingList staleBindings(SealStatus seal) {
    if (seal.sealed()) {
      return null;
    }
    try {
      return client().consumers().bindings("STALE", false);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
