package dev.rekey.cli;

import dev.rekey.api.ApprovalPolicyView;
import dev.rekey.api.ApprovalView;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rekey approval ...}: two-person approval. A guarded command refused with
 * approval_required names its approval request; another principal approves it here, and the
 * requester runs the same command again with {@code --approval ID}.
 */
@Command(name = "approval", description = "Two-person approval: list, show, approve, deny and cancel requests for"
    + " guarded operations; show, set and remove the namespace's approval policy.", mixinStandardHelpOptions = true)
final class ApprovalCommands extends CliCommand {

  @Command(name = "list", description = "Approval requests of the namespace, newest first (yours only, unless you"
      + " may approve there).")
  int list(@Option(names = "--state", paramLabel = "STATE",
          description = "pending, approved, denied, cancelled, expired or used.") String state,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    var page = client().approvals().list(state, null, null);
    if (json) {
      printJson(page);
      return 0;
    }
    Table table = new Table("ID", "STATE", "OPERATION", "TARGET", "REQUESTER", "APPROVERS", "EXPIRES");
    for (ApprovalView a : page.approvals()) {
      table.row(a.id(), a.state(), a.operation(), a.target(), a.requester(),
          a.approvers().size() + "/" + a.requiredApprovals(), a.expiresAt());
    }
    table.print(out());
    return 0;
  }

  @Command(name = "show", description = "One approval request.")
  int show(@Parameters(paramLabel = "ID") String id,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return print(client().approvals().get(id), json);
  }

  @Command(name = "approve", description = "Approve another principal's request (role approver or admin).")
  int approve(@Parameters(paramLabel = "ID") String id,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return print(client().approvals().approve(id), json);
  }

  @Command(name = "deny", description = "Deny another principal's request.")
  int deny(@Parameters(paramLabel = "ID") String id,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return print(client().approvals().deny(id), json);
  }

  @Command(name = "cancel", description = "Withdraw a pending or approved request.")
  int cancel(@Parameters(paramLabel = "ID") String id,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return print(client().approvals().cancel(id), json);
  }

  @Command(name = "policy", description = "Show the namespace's approval policy.")
  int policy(@Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    return print(client().approvals().policy(), json);
  }

  @Command(name = "set-policy", description = "Set the namespace's approval policy (admin). Once the namespace has"
      + " one, changing or removing it needs approval too.")
  int setPolicy(
      @Option(names = "--operation", required = true, paramLabel = "OP", description = "A guarded operation"
          + " (repeatable): key.destroy, key.emergency-rotate, key.export, secret.destroy.") List<String> operations,
      @Option(names = "--required", paramLabel = "N", description = "Approvers needed besides the requester (1 to 5,"
          + " default 1).") Integer required,
      @Option(names = "--ttl", paramLabel = "DURATION", description = "How long a request stays valid, ISO-8601"
          + " (PT5M to P7D, default P1D).") String ttl,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    Duration validity = null;
    if (ttl != null) {
      try {
        validity = Duration.parse(ttl);
      } catch (DateTimeParseException e) {
        throw usage("--ttl must be an ISO-8601 duration such as PT4H, got '" + ttl + "'");
      }
    }
    return print(client().approvals().putPolicy(operations, required, validity), json);
  }

  @Command(name = "delete-policy", description = "Remove the namespace's approval policy (admin; needs approval).")
  int deletePolicy() {
    client().approvals().deletePolicy();
    out().println("Removed the approval policy of namespace " + client().namespace());
    return 0;
  }

  private int print(ApprovalView a, boolean json) {
    if (json) {
      printJson(a);
      return 0;
    }
    out().println("id:         " + a.id());
    out().println("state:      " + a.state());
    out().println("operation:  " + a.operation());
    out().println("target:     " + a.target());
    out().println("asks:       " + a.summary());
    out().println("namespace:  " + a.namespace());
    out().println("requester:  " + a.requester());
    out().println("approvers:  " + (a.approvers().isEmpty() ? "-" : String.join(", ", a.approvers())) + " ("
        + a.approvers().size() + " of " + a.requiredApprovals() + ")");
    out().println("expires:    " + a.expiresAt());
    if (a.decidedBy() != null) {
      out().println("decided by: " + a.decidedBy());
    }
    return 0;
  }

  private int print(ApprovalPolicyView p, boolean json) {
    if (json) {
      printJson(p);
      return 0;
    }
    out().println("namespace:  " + p.namespace());
    out().println("operations: " + String.join(", ", p.operations()));
    out().println("required:   " + p.requiredApprovals());
    out().println("ttl:        " + p.ttl());
    out().println("updated:    " + p.updatedAt() + " by " + orDash(p.updatedBy()));
    return 0;
  }
}
