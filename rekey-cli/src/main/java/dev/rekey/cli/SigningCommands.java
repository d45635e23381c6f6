package dev.rekey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rekey.api.ApiPaths;
import dev.rekey.api.VerifyRequest;
import dev.rekey.api.VerifyResponse;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The signing commands: sign and verify with a signing key (message bytes on stdin, or a
 * pre-hashed digest in hex), and the public JWKS of signing keys.
 */
final class SigningCommands {
  private SigningCommands() {}

  /** The key and the optional pre-hashed digest shared by sign and verify. */
  abstract static class SigningOperation extends CliCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The signing key.")
    String name;

    @Option(names = "--digest-hex", paramLabel = "HEX",
        description = "A pre-hashed digest (SHA-256/384/512 matching the key; not for ed25519) "
            + "instead of the message on stdin.")
    String digestHex;

    /** The digest bytes of --digest-hex, or null when the message comes on stdin. */
    byte[] digest() {
      if (digestHex == null) {
        return null;
      }
      String hex = digestHex.strip();
      if (hex.startsWith("0x") || hex.startsWith("0X")) {
        hex = hex.substring(2);
      }
      if (hex.isEmpty()) {
        throw usage("--digest-hex is empty");
      }
      try {
        return HexFormat.of().parseHex(hex);
      } catch (IllegalArgumentException e) {
        throw usage("--digest-hex is not hexadecimal (an even number of 0-9, a-f): " + digestHex);
      }
    }
  }

  @Command(name = "sign", mixinStandardHelpOptions = true,
      description = "Sign stdin (or --digest-hex) with a signing key; print the signature line.")
  static final class Sign extends SigningOperation implements Callable<Integer> {
    @Override
    public Integer call() {
      byte[] digest = digest();
      String signature = digest != null
          ? client().signing().signDigest(name, digest).signature()
          : client().signing().sign(name, stdin()).signature();
      out().println(signature);
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Verify a signature of stdin (or --digest-hex); print \"valid (vN)\" and exit 0, "
          + "or \"invalid: <reason>\" and exit 3. Exit 1 when it could not be checked (an error), 2 on a usage error.")
  static final class Verify extends SigningOperation implements Callable<Integer> {
    @Option(names = "--signature", required = true, paramLabel = "SIG", description = "The signature, rekey:v<n>:...")
    String signature;

    @Option(names = "--json", description = "Print the server's JSON (the exit code still follows validity).")
    boolean json;

    @Override
    public Integer call() {
      byte[] digest = digest();
      String sig = signature.trim();
      if (json) {
        VerifyRequest request = digest != null
            ? VerifyRequest.ofDigest(b64(digest), sig)
            : VerifyRequest.ofMessage(b64(stdin()), sig);
        JsonNode answer = client().requestJson("POST", ApiPaths.keyOperation(name, "verify"), request);
        printJson(answer);
        return answer != null && answer.path("valid").asBoolean(false) ? 0 : RekeyCli.EXIT_NEGATIVE;
      }
      VerifyResponse response = digest != null
          ? client().signing().verifyDigest(name, digest, sig)
          : client().signing().verify(name, stdin(), sig);
      if (response.valid()) {
        out().println(response.version() == null ? "valid" : "valid (v" + response.version() + ")");
        return 0;
      }
      out().println(response.reason() == null ? "invalid" : "invalid: " + response.reason());
      return RekeyCli.EXIT_NEGATIVE;
    }
  }

  @Command(name = "jwks", mixinStandardHelpOptions = true,
      description = "Print the JWKS (public keys) of a signing key, or of every signing key of the "
          + "namespace without NAME. Needs no token.")
  static final class JwksCommand extends CliCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The signing key (default: all).")
    String name;

    @Override
    public Integer call() {
      String namespace = client().namespace();
      printJson(name == null ? client().signing().jwks(namespace) : client().signing().jwks(namespace, name));
      return 0;
    }
  }
}
