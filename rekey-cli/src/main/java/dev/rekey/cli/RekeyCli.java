package dev.rekey.cli;

import dev.rekey.client.RekeyClient;
import dev.rekey.client.RekeyClientException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code rekey} command: a client of the REST API through {@link RekeyClient}. Exit codes:
 * 0 success (a check: valid, intact), {@value #EXIT_ERROR} error (one line
 * {@code Error: <message> (<code>)} on stderr, also when stdout cannot be written), 2 usage error,
 * {@value #EXIT_NEGATIVE} a check that ran and said no (invalid signature, MAC or JWT; broken audit
 * trail). A script can so tell "invalid" from "could not check". Tokens are printed only by
 * {@code token create} and {@code operator init}.
 */
@Command(
    name = "rekey",
    mixinStandardHelpOptions = true,
    version = "rekey 0.1.0",
    description = "Key management and key rotation. Reads REKEY_ADDR, REKEY_TOKEN, REKEY_NAMESPACE, REKEY_CACERT.",
    subcommands = {
        KeyCommands.class,
        SecretCommands.class,
        CryptoCommands.Encrypt.class,
        CryptoCommands.Decrypt.class,
        CryptoCommands.Rewrap.class,
        CryptoCommands.Datakey.class,
        CryptoCommands.Mac.class,
        CryptoCommands.MacVerify.class,
        SigningCommands.Sign.class,
        SigningCommands.Verify.class,
        SigningCommands.JwksCommand.class,
        JwtCommands.class,
        AuditCommands.class,
        TokenCommands.class,
        OperatorCommands.class,
        StatusCommand.class,
        WebhookCommands.class,
        EventCommands.class,
        PolicyCommands.class,
        RotationCommands.class,
        DekCommands.class,
        CampaignCommands.class,
        ConsumerCommands.class,
        ApprovalCommands.class,
        ReportCommands.class,
        CommandLine.HelpCommand.class
    })
public final class RekeyCli {
  static final String DEFAULT_ADDRESS = "http://127.0.0.1:8200";
  /** The command could not do its work: the server refused, the network failed, the CLI broke. */
  static final int EXIT_ERROR = 1;
  /**
   * A check ran and its answer is no: {@code verify}, {@code mac-verify} and {@code jwt verify} on an
   * invalid signature, MAC or JWT (as {@code audit verify} on a broken trail). Not 1, which is an error.
   */
  static final int EXIT_NEGATIVE = 3;

  @Option(names = "--address", scope = ScopeType.INHERIT, paramLabel = "URL",
      defaultValue = "${env:REKEY_ADDR:-" + DEFAULT_ADDRESS + "}",
      description = "Server address (env REKEY_ADDR, default ${DEFAULT-VALUE}).")
  String address;

  @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
      defaultValue = "${env:REKEY_TOKEN}", showDefaultValue = CommandLine.Help.Visibility.NEVER,
      description = "Access token (env REKEY_TOKEN).")
  String token;

  @Option(names = "--ca-cert", scope = ScopeType.INHERIT, paramLabel = "PEM",
      defaultValue = "${env:REKEY_CACERT}", showDefaultValue = CommandLine.Help.Visibility.NEVER,
      description = "Trust the server certificates signed by the CA certificates in this PEM file (env"
          + " REKEY_CACERT), for a server whose certificate a private CA signed.")
  String caCert;

  @Option(names = "--namespace", scope = ScopeType.INHERIT, paramLabel = "NS",
      defaultValue = "${env:REKEY_NAMESPACE:-default}",
      description = "Namespace (env REKEY_NAMESPACE, default ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--approval", scope = ScopeType.INHERIT, paramLabel = "ID",
      defaultValue = "${env:REKEY_APPROVAL}", showDefaultValue = CommandLine.Help.Visibility.NEVER,
      description = "Run a guarded operation with this approval, given by others for exactly this command"
          + " (env REKEY_APPROVAL; see 'rekey approval').")
  String approval;

  final InputStream in;
  final PrintStream out;
  final PrintStream err;

  private RekeyCli(InputStream in, PrintStream out, PrintStream err) {
    this.in = in;
    this.out = out;
    this.err = err;
  }

  /** The {@code rekey} command on the process's standard streams; launchers may add subcommands. */
  public static CommandLine newCommandLine() {
    return newCommandLine(System.in, System.out, System.err);
  }

  /**
   * The {@code rekey} command on the given streams (stdout carries raw bytes for decrypt). Text is
   * written as UTF-8 whatever the streams' own charset (System.out has the locale's, US-ASCII under
   * {@code LC_ALL=C}, which would turn every non-ASCII character of a JSON answer into '?').
   */
  public static CommandLine newCommandLine(InputStream in, PrintStream out, PrintStream err) {
    PrintStream utf8Out = utf8(out);
    PrintStream utf8Err = utf8(err);
    RekeyCli root = new RekeyCli(in, utf8Out, utf8Err);
    CommandLine cl = new CommandLine(root);
    cl.setOut(new PrintWriter(new OutputStreamWriter(utf8Out, StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new OutputStreamWriter(utf8Err, StandardCharsets.UTF_8), true));
    cl.setExecutionExceptionHandler((e, command, parseResult) -> handle(e, utf8Err));
    cl.setExecutionStrategy(parseResult -> {
      int exit = new CommandLine.RunLast().execute(parseResult);
      // PrintStream swallows write errors: without this check a decrypt into a full disk or a
      // closed pipe would end with exit 0 and a truncated plaintext
      if (utf8Out.checkError()) {
        utf8Err.println("Error: cannot write to standard output (io)");
        return EXIT_ERROR;
      }
      return exit;
    });
    return cl;
  }

  /** A stream that encodes text as UTF-8 and passes bytes through unchanged to {@code stream}. */
  private static PrintStream utf8(PrintStream stream) {
    return new PrintStream(stream, true, StandardCharsets.UTF_8);
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  private RekeyClient client;

  /** The client for the global options, made once per run. */
  RekeyClient client(CommandLine commandLine) {
    if (client != null) {
      return client;
    }
    try {
      // an empty REKEY_ADDR, REKEY_TOKEN or REKEY_NAMESPACE counts as unset, as it does for Vault's CLI
      var builder = RekeyClient.builder().address(blank(address) ? DEFAULT_ADDRESS : address)
          .token(blank(token) ? null : token).namespace(blank(namespace) ? "default" : namespace);
      if (!blank(caCert)) {
        builder.caCertificates(java.nio.file.Path.of(caCert.trim()));
      }
      client = builder.build();
      if (!blank(approval)) {
        client = client.withApproval(approval.trim());
      }
      return client;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage());
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static int handle(Exception e, PrintStream err) {
    if (e instanceof RekeyClientException) {
      RekeyClientException rce = (RekeyClientException) e;
      err.println("Error: " + rce.getMessage() + " (" + rce.wireCode() + ")");
      if (rce.approval() != null) {
        err.println("Approval " + rce.approval().id() + " is " + rce.approval().state() + ": another principal runs"
            + " 'rekey approval approve " + rce.approval().id() + " --namespace " + rce.approval().namespace()
            + "', then run this command again with --approval " + rce.approval().id() + ".");
      }
      return EXIT_ERROR;
    }
    if (e instanceof UncheckedIOException) {
      err.println("Error: " + e.getMessage() + " (io)");
      return EXIT_ERROR;
    }
    err.println("Error: " + e.getClass().getSimpleName() + ": " + e.getMessage() + " (internal)");
    return EXIT_ERROR;
  }
}
