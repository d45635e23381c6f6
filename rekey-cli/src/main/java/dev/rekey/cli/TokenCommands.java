package dev.rekey.cli;

import dev.rekey.api.ApiPaths;
import dev.rekey.api.GrantView;
import dev.rekey.api.TokenCreateRequest;
import dev.rekey.api.TokenView;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rekey token ...}. Only {@code create} ever prints a token secret. */
@Command(name = "token", description = "Create, inspect and revoke access tokens.", mixinStandardHelpOptions = true)
final class TokenCommands extends CliCommand {

  @Command(name = "create", description = "Create a token and print it (shown only once).")
  int create(
      @Option(names = "--principal", required = true, paramLabel = "P") String principal,
      @Option(names = "--grant", required = true, paramLabel = "ROLE:NAMESPACE:KEYPATTERN",
          description = "A grant (repeatable), e.g. crypto-user:default:billing-*") List<String> grants,
      @Option(names = "--ttl", paramLabel = "DURATION", description = "ISO-8601 duration, e.g. PT24H.") String ttl,
      @Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    List<GrantView> parsed = new ArrayList<>();
    for (String grant : grants) {
      String[] parts = grant.split(":", 3);
      if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
        throw usage("--grant must be ROLE:NAMESPACE:KEYPATTERN, got '" + grant + "'");
      }
      parsed.add(new GrantView(parts[0], parts[1], parts[2]));
    }
    if (ttl != null) {
      try {
        Duration.parse(ttl);
      } catch (DateTimeParseException e) {
        throw usage("--ttl must be an ISO-8601 duration such as PT24H, got '" + ttl + "'");
      }
    }
    TokenCreateRequest request = new TokenCreateRequest(principal, parsed, ttl);
    if (json) {
      printJson(client().requestJson("POST", ApiPaths.TOKENS, request));
      return 0;
    }
    TokenView token = client().createToken(request);
    out().println("token:      " + token.token());
    printInfo(token);
    return 0;
  }

  @Command(name = "revoke", description = "Revoke a token by id.")
  int revoke(@Parameters(paramLabel = "ID") String id) {
    client().revokeToken(id);
    out().println("Revoked token " + id);
    return 0;
  }

  @Command(name = "self", description = "Show the token in use (never its secret).")
  int self(@Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (json) {
      printJson(client().requestJson("GET", ApiPaths.TOKEN_SELF, null));
      return 0;
    }
    printInfo(client().selfToken());
    return 0;
  }

  @Command(name = "list", description = "List tokens (never their secrets).")
  int list(@Option(names = "--json", description = "Print the server's JSON.") boolean json) {
    if (json) {
      printJson(client().requestJson("GET", ApiPaths.TOKENS, null));
      return 0;
    }
    Table table = new Table("ID", "PRINCIPAL", "GRANTS", "CREATED", "EXPIRES", "REVOKED");
    List<TokenView> tokens = client().listTokens().tokens();
    for (TokenView t : tokens == null ? List.<TokenView>of() : tokens) {
      table.row(t.id(), t.principal(), grants(t.grants()), t.createdAt(), t.expiresAt(), t.revokedAt());
    }
    table.print(out());
    return 0;
  }

  private void printInfo(TokenView token) {
    out().println("id:         " + token.id());
    out().println("principal:  " + token.principal());
    out().println("grants:     " + grants(token.grants()));
    out().println("created:    " + orDash(token.createdAt()));
    out().println("expires:    " + orDash(token.expiresAt()));
    if (token.revokedAt() != null) {
      out().println("revoked:    " + token.revokedAt());
    }
  }

  static String grants(List<GrantView> grants) {
    if (grants == null || grants.isEmpty()) {
      return "-";
    }
    return grants.stream().map(g -> g.role() + ":" + g.namespace() + ":" + g.keys()).collect(Collectors.joining(","));
  }
}
