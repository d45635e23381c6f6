package dev.rekey.app;

import dev.rekey.cli.RekeyCli;
import dev.rekey.server.ServerCommand;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * The one {@code rekey} launcher: {@code rekey server ...} runs the server; everything else is the
 * CLI. The server is dispatched separately because its {@code --address} is a listen address,
 * while the CLI's inherited {@code --address} is the server to talk to.
 */
public final class Main {
  private Main() {}

  public static int run(String[] args) {
    if (args.length > 0 && args[0].equals("server")) {
      return new CommandLine(new ServerCommand()).execute(Arrays.copyOfRange(args, 1, args.length));
    }
    return RekeyCli.newCommandLine().execute(args);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }
}
