package io.github.kimisdk.agents.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * The agents jar's {@code Main-Class}: checks that the class path holds what the command needs
 * before anything else loads (kimi-sdk's jar, which the agents jar's manifest names beside it), and
 * runs the command line ({@link Cli}). It names no class of kimi-sdk's, so that a jar started
 * without kimi-sdk's beside it says so in one line and exits {@link #CLASS_PATH} instead of ending
 * in a {@code NoClassDefFoundError}.
 *
 * <p>The only class of the module that writes to standard output, with {@link Cli}, and only when
 * run as a program.
 */
public final class Main {

  /** Exit status: done (for {@code runs audit}: verified). */
  static final int DONE = 0;

  /** Exit status: the store failed, or refused (a run held, no claim to end, no such run). */
  static final int REFUSED = 1;

  /** Exit status: a command line that cannot be run. */
  static final int USAGE_ERROR = 2;

  /** Exit status: {@code runs audit} found a run's record or state edited (it does not verify). */
  static final int TAMPERED = 3;

  /** Exit status: a jar the command needs is not on the class path. */
  static final int CLASS_PATH = 4;

  /** A class of kimi-sdk's jar, looked for before the command starts. */
  static final String SDK_CLASS = "io.github.kimisdk.json.Json";

  private Main() {}

  /**
   * Runs the command line and exits with its status.
   *
   * @param args {@code runs}, a command and its options; or {@code key}
   */
  public static void main(String... args) {
    String missing = missing(Main.class.getClassLoader());
    if (missing != null) {
      System.err.println(missing);
      System.err.flush();
      System.exit(CLASS_PATH);
    }
    int status = run(args, System.getenv(), Clock.systemUTC(), System.out, System.err);
    System.out.flush();
    System.exit(status);
  }

  /**
   * Says what the class path lacks for the command to start, or null when it lacks nothing.
   *
   * @param loader the loader the command's classes come from
   * @return one line for an operator: what is missing, and how to run the command
   */
  static String missing(ClassLoader loader) {
    try {
      Class.forName(SDK_CLASS, false, loader);
      return null;
    } catch (ClassNotFoundException | LinkageError e) {
      return "kimi-sdk-agents: kimi-sdk's jar is not on the class path (no "
          + SDK_CLASS
          + "): put kimi-sdk-VERSION.jar beside kimi-sdk-agents-VERSION.jar (its manifest names it"
          + " there: java -jar kimi-sdk-agents-VERSION.jar runs ...), or name both, and a JDBC"
          + " store's driver: java -cp kimi-sdk-agents-VERSION.jar:kimi-sdk-VERSION.jar:DRIVER.jar"
          + " io.github.kimisdk.agents.cli.Main runs ...";
    }
  }

  /**
   * Runs a command line.
   *
   * @param args the command line
   * @param env the environment, where a password or a key is read
   * @param clock the time claims and ages are judged by
   * @param out where the answer goes
   * @param err where what is wrong goes
   * @return the exit status
   */
  public static int run(
      String[] args, Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
    return Cli.run(args, env, clock, out, err);
  }
}
