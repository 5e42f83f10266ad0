package io.github.kimisdk.agents.cli;

import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * The agents jar's {@code Main-Class}: {@code runs list}, {@code runs count}, {@code runs release},
 * {@code runs delete} and {@code runs sweep} on a run store, as an operator runs them. It needs no
 * agent: it finds runs, ends claims and deletes runs through the store alone. What needs the team's
 * agent (resuming an orphan runs its tools; an expired approval is judged by its tools' approvals)
 * is a worker's {@code Sweeper}: {@code sweep} lists the orphans for it. A password comes from an
 * environment variable, never the command line, where other users of the machine read it ({@code
 * ps}); nothing printed holds it.
 *
 * <p>The only class of the module that writes to standard output, and only when run as a program.
 */
public final class Main {

  /** Exit status: done. */
  static final int DONE = 0;

  /** Exit status: the store failed, or refused (a run held, no claim to end). */
  static final int REFUSED = 1;

  /** Exit status: a command line that cannot be run. */
  static final int USAGE_ERROR = 2;

  static final String USAGE =
      """
      Usage: java -jar kimi-sdk-agents-VERSION.jar runs COMMAND --store STORE [options]

      Finds an agent's runs in a store, ends a dead worker's claims, deletes runs, and retires
      ended runs after a time; kimi-sdk-VERSION.jar beside it, or on the class path with the
      store's JDBC driver: java -cp kimi-sdk-agents.jar:kimi-sdk.jar:DRIVER.jar
      io.github.kimisdk.agents.cli.Main runs ...

      Commands:
        runs list      the runs, oldest save first, each with its state and age
        runs count     how many runs are in each state (or in those asked for)
        runs release RUN_ID
                       ends the run's claim, as for a worker that will not come back: the run is
                       free at once, and its old holder, if it lives, can no longer write
        runs release --holder WORKER
                       ends every claim the worker holds
        runs delete RUN_ID
                       deletes a run no worker holds, with all its records
        runs sweep --retention DURATION [--dry-run]
                       deletes the runs that ended (answered, stopped, failed) longer ago than
                       the retention, and lists the orphans (running, no worker holds them) for a
                       worker with the agent to resume (Sweeper.of(agent) in that worker): resuming
                       runs the agent's tools, which this command does not have

      Stores:
        --store file:DIR       a FileRunStore's directory
        --store jdbc:URL       a JdbcRunStore in the database at the JDBC URL; its driver on the
                               class path
        --table-prefix PREFIX  the JDBC store's tables' prefix (default kimi_agent)
        --user USER            the database user
        --password-env VAR     read the database password from the environment variable VAR

      Options of list and count:
        --state STATE          running, orphaned, paused, in_doubt, answered, stopped or failed;
                               repeat it, or separate with commas, for several
        --agent NAME           one agent's runs
        --owner WORKER         the runs a worker saved last
        --label NAME=VALUE     the runs that carry the label; repeat it for several
        --limit N              list at most N runs (default 100); --after TOKEN goes on
        --json                 JSON instead of text
        --help                 print this help and exit

      Exit status: 0 when done, 1 when the store failed or refused (a run a worker holds, a
      claim that was not there), 2 for a command line that cannot be run.
      """;

  private Main() {}

  /**
   * Runs the command line and exits with its status.
   *
   * @param args {@code runs}, a command and its options
   */
  public static void main(String... args) {
    int status = run(args, System.getenv(), Clock.systemUTC(), System.out, System.err);
    System.out.flush();
    System.exit(status);
  }

  /**
   * Runs a command line.
   *
   * @param args the command line
   * @param env the environment, where a password is read
   * @param clock the time claims and ages are judged by
   * @param out where the answer goes
   * @param err where what is wrong goes
   * @return the exit status
   */
  public static int run(
      String[] args, Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
    CommandLine.Options o;
    try {
      o = CommandLine.parse(args);
    } catch (CommandLine.UsageException e) {
      return told(err, e.getMessage(), true, USAGE_ERROR);
    }
    if (o.help()) {
      out.print(USAGE);
      out.flush();
      return DONE;
    }
    RunStore store;
    try {
      store = CommandLine.open(o, env);
    } catch (CommandLine.UsageException | IllegalArgumentException e) {
      return told(err, e.getMessage(), false, USAGE_ERROR);
    } catch (RunStoreException e) {
      return refused(e, o, env, err);
    }
    try {
      return switch (o.command()) {
        case "list" -> Commands.list(store, o, clock.instant(), out);
        case "count" -> Commands.count(store, o, clock.instant(), out);
        case "release" -> Commands.release(store, o, clock.instant(), out);
        case "delete" -> Commands.delete(store, o, clock.instant(), out);
        case "sweep" -> Commands.sweep(store, o, clock.instant(), out);
        default -> throw new AssertionError(o.command());
      };
    } catch (RunStoreException | UnsupportedOperationException e) {
      out.flush();
      return refused(e, o, env, err);
    } finally {
      out.flush();
    }
  }

  /** Tells what the store refused or failed, without the password, and exits {@link #REFUSED}. */
  private static int refused(
      RuntimeException e, CommandLine.Options o, Map<String, String> env, PrintStream err) {
    String password = o.passwordVariable() == null ? null : env.get(o.passwordVariable());
    return told(err, Commands.redact(e.getMessage(), password), false, REFUSED);
  }

  /** Tells what is wrong (and, for a command line that cannot run, the usage); returns status. */
  private static int told(PrintStream err, String message, boolean usage, int status) {
    err.println("kimi-sdk-agents: " + message);
    if (usage) {
      err.println();
      err.print(USAGE);
    }
    err.flush();
    return status;
  }
}
