package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;

import dev.rekey.api.PolicyFile;
import dev.rekey.api.PolicyList;
import dev.rekey.api.PolicySpec;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Action;
import dev.rekey.core.policy.PolicyScope;
import dev.rekey.core.policy.PolicyService;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.Reply;
import io.vertx.core.http.HttpMethod;
import java.util.List;

/**
 * Rotation policies as code and the scheduler's status. A scope in a path is URL-encoded
 * ({@code key%3Apayments%2Forders}).
 */
public final class PolicyEndpoints {
  private final PolicyService policies;

  public PolicyEndpoints(PolicyService policies) {
    this.policies = policies;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.PUT, "/v1/policies", Action.POLICY_APPLY, BLOCKING, this::apply);
    r.route(HttpMethod.GET, "/v1/policies", Action.POLICY_READ, BLOCKING, c -> new PolicyList(policies.list().stream()
        .filter(p -> readable(c, PolicyScope.parse("scope", p.scope()))).toList()));
    r.route(HttpMethod.GET, "/v1/policies/:scope", Action.POLICY_READ, BLOCKING, c -> {
      PolicyScope scope = PolicyScope.parse("scope", c.pathParam("scope"));
      if (!readable(c, scope)) {
        throw RekeyException.forbidden("'" + c.principal().name() + "' may not read the policy of " + scope.id());
      }
      return policies.get(c.pathParam("scope"));
    });
    r.route(HttpMethod.DELETE, "/v1/policies/:scope", Action.POLICY_APPLY, BLOCKING, c -> {
      authorize(c, PolicyScope.parse("scope", c.pathParam("scope")));
      policies.delete(c.pathParam("scope"));
      return Reply.noContent();
    });
    // only the keys the caller may see the rotation status of, filtered before the caps
    r.route(HttpMethod.GET, "/v1/rotation/status", Action.ROTATION_STATUS, BLOCKING,
        c -> policies.status((namespace, key) -> c.principal().may(Action.ROTATION_STATUS, namespace, key)));
  }

  private Object apply(Call c) {
    PolicyFile file = c.body(PolicyFile.class);
    boolean dryRun = Boolean.TRUE.equals(file.dryRun());
    c.auditDetails("{\"dry_run\":" + dryRun + ",\"policies\":" + (file.policies() == null ? 0 : file.policies().size())
        + "}");
    List<PolicySpec> specs = file.policies() == null ? List.of() : file.policies();
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i) != null) {
        authorize(c, PolicyScope.parse("policies[" + i + "].scope", specs.get(i).scope()));
      }
    }
    return policies.apply(specs, dryRun);
  }

  /**
   * Who may read a policy: of a key, a grant on that key; of a namespace, a grant on that namespace;
   * of a key type (every namespace), a grant on every namespace. The request's namespace header
   * plays no part: the scope names its own.
   */
  private static boolean readable(Call c, PolicyScope scope) {
    return switch (scope.kind()) {
      case KEY -> c.principal().may(Action.POLICY_READ, scope.namespace(), scope.key());
      case NAMESPACE -> c.principal().may(Action.POLICY_READ, scope.namespace(), null);
      case TYPE -> c.principal().may(Action.POLICY_READ, "*", "*");
    };
  }

  /**
   * A policy rotates the keys of its scope, so changing it needs {@code key.configure} on all of
   * them: on the key for a key scope, on every key of the namespace for a namespace scope, and on
   * every namespace for a key-type scope.
   */
  private static void authorize(Call c, PolicyScope scope) {
    boolean allowed = switch (scope.kind()) {
      case KEY -> c.principal().may(Action.KEY_CONFIGURE, scope.namespace(), scope.key());
      case NAMESPACE -> c.principal().may(Action.KEY_CONFIGURE, scope.namespace(), null);
      case TYPE -> c.principal().may(Action.KEY_CONFIGURE, "*", null);
    };
    if (!allowed) {
      throw RekeyException.forbidden("'" + c.principal().name() + "' may not change the policy of " + scope.id()
          + " (needs key.configure on every key it covers)");
    }
  }
}
