package dev.rekey.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** Runs the {@code rekey} command in-process with captured streams. */
final class CliRun {
  final int exit;
  final byte[] stdout;
  final String err;

  private CliRun(int exit, byte[] stdout, String err) {
    this.exit = exit;
    this.stdout = stdout;
    this.err = err;
  }

  String out() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  static CliRun run(byte[] stdin, String... args) {
    return run(StandardCharsets.UTF_8, stdin, args);
  }

  /**
   * As {@link #run(byte[], String...)} with the given streams' own charset, as the process's
   * System.out and System.err have the locale's (US-ASCII under LC_ALL=C); the output is read as UTF-8.
   */
  static CliRun run(Charset streamCharset, byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream outStream = new PrintStream(out, true, streamCharset);
    PrintStream errStream = new PrintStream(err, true, streamCharset);
    int exit = RekeyCli.newCommandLine(new ByteArrayInputStream(stdin), outStream, errStream).execute(args);
    outStream.flush();
    errStream.flush();
    return new CliRun(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "exit=" + exit + "\nout=" + out() + "\nerr=" + err;
  }
}
