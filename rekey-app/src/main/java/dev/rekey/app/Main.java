package dev.rekey.app;

import dev.rekey.cli.RekeyCli;
import dev.rekey.server.ServerCommand;
import picocli.CommandLine;

/** The one {@code rekey} launcher: the CLI's commands plus {@code rekey server}. */
public final class Main {
  private Main() {}

  public static CommandLine commandLine() {
    CommandLine cl = RekeyCli.newCommandLine();
    cl.addSubcommand("server", new ServerCommand());
    return cl;
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (!(args.length > 0 && args[0].equals("server") && code == 0)) {
      System.exit(code);
    }
  }
}
