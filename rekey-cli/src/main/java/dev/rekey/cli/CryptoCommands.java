package dev.rekey.cli;

import dev.rekey.api.ApiPaths;
import dev.rekey.api.DatakeyRequest;
import dev.rekey.api.EncryptResponse;
import dev.rekey.client.DataKey;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The cryptographic commands. Data flows stdin to stdout: plaintext bytes in and out raw,
 * ciphertexts and tags as one line. Context is optional text bound to the ciphertext.
 */
final class CryptoCommands {
  private CryptoCommands() {}

  /** Options shared by the data commands. */
  abstract static class KeyOperation extends CliCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The key.")
    String name;

    @Option(names = "--context", paramLabel = "TEXT", description = "Associated data; needed again to decrypt.")
    String context;
  }

  @Command(name = "encrypt", mixinStandardHelpOptions = true,
      description = "Encrypt stdin; print the ciphertext line.")
  static final class Encrypt extends KeyOperation implements Callable<Integer> {
    @Override
    public Integer call() {
      byte[] plaintext = stdin();
      try {
        out().println(client().encrypt(name, plaintext, utf8(context)).ciphertext());
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
      return 0;
    }
  }

  @Command(name = "decrypt", mixinStandardHelpOptions = true,
      description = "Decrypt the ciphertext on stdin; write the raw plaintext to stdout.")
  static final class Decrypt extends KeyOperation implements Callable<Integer> {
    @Override
    public Integer call() {
      String ciphertext = stdinText("a ciphertext");
      byte[] plaintext = client().decrypt(name, ciphertext, utf8(context));
      try {
        out().write(plaintext, 0, plaintext.length);
        out().flush();
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
      return 0;
    }
  }

  @Command(name = "rewrap", mixinStandardHelpOptions = true,
      description = "Re-encrypt the ciphertext on stdin under the primary version; print the new ciphertext.")
  static final class Rewrap extends KeyOperation implements Callable<Integer> {
    @Option(names = "--emergency", description = "Also read a REVOKED version (after a compromise; admin only,"
        + " audited as emergency.rewrap).")
    boolean emergency;

    @Override
    public Integer call() {
      String ciphertext = stdinText("a ciphertext");
      out().println((emergency ? client().emergencyRewrap(name, ciphertext, utf8(context))
          : client().rewrap(name, ciphertext, utf8(context))).ciphertext());
      return 0;
    }
  }

  @Command(name = "datakey", mixinStandardHelpOptions = true,
      description = "Make a data key; print the wrapped key line, then the base64 plaintext key line.")
  static final class Datakey extends KeyOperation implements Callable<Integer> {
    @Option(names = "--wrapped-only", description = "Print only the wrapped key.")
    boolean wrappedOnly;

    @Option(names = "--json", description = "Print the server's JSON.")
    boolean json;

    @Override
    public Integer call() {
      if (json) {
        printJson(client().requestJson("POST", ApiPaths.keyOperation(name, "datakey"),
            new DatakeyRequest(wrappedOnly, b64(utf8(context)))));
        return 0;
      }
      if (wrappedOnly) {
        EncryptResponse wrapped = client().generateWrappedDataKey(name, utf8(context));
        out().println(wrapped.ciphertext());
        return 0;
      }
      try (DataKey dataKey = client().generateDataKey(name, utf8(context))) {
        byte[] key = dataKey.plaintext();
        out().println(dataKey.ciphertext());
        out().println(b64(key));
        Arrays.fill(key, (byte) 0);
      }
      return 0;
    }
  }

  @Command(name = "mac", mixinStandardHelpOptions = true,
      description = "Compute the MAC of stdin with an HMAC key; print the tag line.")
  static final class Mac extends CliCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The HMAC key.")
    String name;

    @Override
    public Integer call() {
      out().println(client().signing().mac(name, stdin()).mac());
      return 0;
    }
  }

  @Command(name = "mac-verify", mixinStandardHelpOptions = true,
      description = "Verify a MAC of stdin; print valid and exit 0, or invalid and exit 3. "
          + "Exit 1 when it could not be checked (an error), 2 on a usage error.")
  static final class MacVerify extends CliCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The HMAC key.")
    String name;

    @Option(names = "--mac", required = true, paramLabel = "M", description = "The tag, rekey:v<n>:...")
    String mac;

    @Override
    public Integer call() {
      boolean valid = client().signing().verifyMac(name, stdin(), mac.trim());
      out().println(valid ? "valid" : "invalid");
      return valid ? 0 : RekeyCli.EXIT_NEGATIVE;
    }
  }
}
