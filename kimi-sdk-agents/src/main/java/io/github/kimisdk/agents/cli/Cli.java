package io.github.kimisdk.agents.cli;

import io.github.kimisdk.agents.RunKey;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreException;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;

/**
 * The command line of the agents jar ({@link Main} starts it): {@code runs list}, {@code runs
 * count}, {@code runs show}, {@code runs audit}, {@code runs release}, {@code runs delete} and
 * {@code runs sweep} on a run store, and {@code key}, as an operator runs them. It needs no agent:
 * it finds runs, reads and verifies their decision records, ends claims and deletes runs through
 * the store alone. What needs the team's agent (resuming an orphan runs its tools; an expired
 * approval is judged by its tools' approvals) is a worker's {@code Sweeper}: {@code sweep} lists
 * the orphans for it. A password or a key comes from an environment variable (a key also from a
 * file), never the command line, where other users of the machine read it ({@code ps}); nothing
 * printed holds one, but for the new key {@code key} is asked to print.
 */
final class Cli {

  static final String USAGE =
      """
      Usage: java -jar kimi-sdk-agents-VERSION.jar runs COMMAND --store STORE [options]
             java -jar kimi-sdk-agents-VERSION.jar key [--out FILE]

      Finds an agent's runs in a store, shows a run's decision record and verifies it, ends a
      dead worker's claims, deletes runs, retires ended runs after a time, and makes the agents'
      run key. kimi-sdk-VERSION.jar goes beside it (its manifest names it), or both go on the
      class path with the store's JDBC driver: java -cp
      kimi-sdk-agents.jar:kimi-sdk.jar:DRIVER.jar io.github.kimisdk.agents.cli.Main runs ...

      Commands:
        runs list      the runs, oldest save first, each with its state and age
        runs count     how many runs are in each state (or in those asked for)
        runs show RUN_ID
                       the run's state, the calls it waits on and its decision record (who
                       decided what, when and why), as the store holds it: not verified
        runs audit RUN_ID (--key-env VAR | --key-file FILE)
                       the same, verified under the agents' key: each decision record chained to
                       the one before, and the state's MAC; exit status 3 when it does not verify
        runs release RUN_ID --holder WORKER
                       ends the run's claim if WORKER holds it (as runs list shows it), as for a
                       worker that will not come back: the run is free at once, and its old holder,
                       if it lives, can no longer write; a claim another worker took since stays
        runs release --holder WORKER
                       ends every claim the worker holds
        runs release RUN_ID --force
                       ends whatever claim the run has, whoever holds it
        runs delete RUN_ID
                       deletes a run no worker holds, with all its records
        runs sweep --retention DURATION [--dry-run]
                       deletes the runs that ended (answered, stopped, failed) longer ago than
                       the retention, and lists the orphans (running, no worker holds them) for a
                       worker with the agent to resume (Sweeper.of(agent) in that worker): resuming
                       runs the agent's tools, which this command does not have
        key            prints a new run key: Base64 of 32 random bytes, for the secret store
        key --out FILE writes a new run key to FILE, which only its owner may read (never over
                       a file that is there); workers read it with RunKey.fromFile(FILE)

      Stores:
        --store file:DIR       a FileRunStore's directory
        --store jdbc:URL       a JdbcRunStore in the database at the JDBC URL; its driver on the
                               class path
        --table-prefix PREFIX  the JDBC store's tables' prefix (default kimi_agent: the tables
                               kimi_agent_claims, _records, _runs and _labels), as the agents'
                               JdbcRunStore.of(dataSource, PREFIX) names it
        --user USER            the database user
        --password-env VAR     read the database password from the environment variable VAR

      Keys (runs audit):
        --key-env VAR          read the agents' run key (Base64) from the environment variable VAR
        --key-file FILE        read it from FILE

      Options of list and count:
        --state STATE          running, orphaned, paused, in_doubt, answered, stopped or failed;
                               repeat it, or separate with commas, for several
        --agent NAME           one agent's runs
        --owner WORKER         the runs a worker saved last
        --label NAME=VALUE     the runs that carry the label; repeat it for several
        --limit N              list at most N runs (default 100); --after TOKEN goes on
        --json                 JSON instead of text
        --help                 print this help and exit

      Exit status: 0 when done (runs audit: verified), 1 when the store failed or refused (a run a
      worker holds, a claim that was not there, no such run), 2 for a command line that cannot be
      run, 3 when runs audit finds a run's record or state edited, 4 when a jar the command needs
      is not on the class path.
      """;

  private Cli() {}

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
  static int run(
      String[] args, Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
    CommandLine.Options o;
    try {
      o = CommandLine.parse(args);
    } catch (CommandLine.UsageException e) {
      return told(err, e.getMessage(), true, Main.USAGE_ERROR);
    }
    if (o.help()) {
      out.print(USAGE);
      out.flush();
      return Main.DONE;
    }
    if (o.command().equals("key")) {
      try {
        return Commands.key(o, out);
      } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
        return told(err, e.getMessage(), false, Main.REFUSED);
      } finally {
        out.flush();
      }
    }
    RunStore store;
    RunKey key;
    try {
      store = CommandLine.open(o, env);
      key = CommandLine.key(o, env);
    } catch (CommandLine.UsageException | IllegalArgumentException e) {
      return told(err, e.getMessage(), false, Main.USAGE_ERROR);
    } catch (RunStoreException e) {
      return refused(e, o, env, err);
    }
    try {
      return switch (o.command()) {
        case "list" -> Commands.list(store, o, clock.instant(), out);
        case "count" -> Commands.count(store, o, clock.instant(), out);
        case "show" -> Commands.show(store, o, null, out);
        case "audit" -> Commands.show(store, o, key, out);
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

  /** Tells what the store refused or failed, without the password, and exits refused. */
  private static int refused(
      RuntimeException e, CommandLine.Options o, Map<String, String> env, PrintStream err) {
    String password = o.passwordVariable() == null ? null : env.get(o.passwordVariable());
    String hint = "";
    if (o.store().startsWith("jdbc:")) {
      if (missingTable(e)) {
        hint =
            "; the command looked for the tables "
                + o.prefix()
                + "_claims, _records, _runs and _labels: name the prefix the agents' store uses"
                + " with --table-prefix PREFIX (JdbcRunStore.of(dataSource, PREFIX)), or make the"
                + " tables (JdbcRunStore.createTables())";
      } else if (String.valueOf(e.getMessage()).contains("No suitable driver")) {
        hint =
            "; put the database's JDBC driver on the class path: java -cp"
                + " kimi-sdk-agents-VERSION.jar:kimi-sdk-VERSION.jar:DRIVER.jar"
                + " io.github.kimisdk.agents.cli.Main runs ...";
      }
    }
    return told(err, Commands.redact(e.getMessage(), password) + hint, false, Main.REFUSED);
  }

  /** Whether a store failed because a table it named does not exist (SQLState 42P01, 42S02). */
  private static boolean missingTable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s
          && s.getSQLState() != null
          && (s.getSQLState().equals("42P01") || s.getSQLState().equals("42S02"))) {
        return true;
      }
    }
    return false;
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
