package dev.rekey.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.rekey.api.JwtVerifyResponse;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rekey jwt issue|verify}: JWTs signed with a signing key. */
@Command(name = "jwt", description = "Issue and verify JWTs with a signing key.", mixinStandardHelpOptions = true)
final class JwtCommands extends CliCommand {

  @Command(name = "issue", description = "Issue a JWT signed by the key's primary version and print it. "
      + "Rekey sets iat, and exp from --ttl.")
  int issue(
      @Parameters(paramLabel = "NAME", description = "The signing key.") String name,
      @Option(names = "--claim", paramLabel = "K=V", description = "A string claim (repeatable).") List<String> claim,
      @Option(names = "--claims-json", paramLabel = "JSON", description = "Claims as a JSON object.") String claimsJson,
      @Option(names = "--ttl", paramLabel = "DURATION", description = "ISO-8601 duration for exp, e.g. PT1H.") String ttl) {
    Map<String, Object> claims = new LinkedHashMap<>();
    if (claimsJson != null) {
      try {
        Map<String, Object> parsed = MAPPER.readValue(claimsJson, new TypeReference<Map<String, Object>>() {});
        if (parsed == null) {
          throw usage("--claims-json must be a JSON object");
        }
        claims.putAll(parsed);
      } catch (JsonProcessingException e) {
        throw usage("--claims-json must be a JSON object");
      }
    }
    if (claim != null) {
      for (String kv : claim) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw usage("--claim must be K=V, got '" + kv + "'");
        }
        String key = kv.substring(0, eq);
        if (claims.containsKey(key)) {
          throw usage("claim '" + key + "' is given twice");
        }
        claims.put(key, kv.substring(eq + 1));
      }
    }
    Duration duration = null;
    if (ttl != null) {
      try {
        duration = Duration.parse(ttl);
      } catch (DateTimeParseException e) {
        throw usage("--ttl must be an ISO-8601 duration such as PT1H, got '" + ttl + "'");
      }
    }
    out().println(client().signing().issueJwt(name, claims, duration).jwt());
    return 0;
  }

  @Command(name = "verify", description = "Verify a JWT (on stdin, or --jwt); print its claims as JSON and exit 0, "
      + "or print \"invalid: <reason>\" and exit 3. Exit 1 when it could not be checked (an error), 2 on a usage error.")
  int verify(
      @Parameters(paramLabel = "NAME", description = "The signing key.") String name,
      @Option(names = "--jwt", paramLabel = "JWT", description = "The token (default: read from stdin).") String jwt) {
    String token = jwt != null ? jwt.trim() : stdinText("a JWT");
    JwtVerifyResponse response = client().signing().verifyJwt(name, token);
    if (response.valid()) {
      printJson(response.claims());
      return 0;
    }
    out().println(response.reason() == null ? "invalid" : "invalid: " + response.reason());
    return RekeyCli.EXIT_NEGATIVE;
  }
}
