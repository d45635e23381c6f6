package dev.rekey.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rekey.api.Health;
import dev.rekey.api.SealStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rekey status}: health and seal status; exit 0 whenever the server answered. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show server health and seal status.")
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
      printJson(node);
      return 0;
    }
    out().println("address:      " + root().address);
    out().println("status:       " + health.status());
    out().println("version:      " + orDash(health.version()));
    OperatorCommands.printSealStatus(out(), seal);
    return 0;
  }
}
