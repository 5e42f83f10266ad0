package io.github.kimisdk.agents.cli;

import io.github.kimisdk.agents.FileRunStore;
import io.github.kimisdk.agents.JdbcRunStore;
import io.github.kimisdk.agents.RunKey;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The command line of {@link Cli}: its options, read and checked, and the store and the key they
 * name.
 */
final class CommandLine {
  private CommandLine() {}

  private static final String STATES =
      "running, orphaned, paused, in_doubt, answered, stopped or failed";

  /** The options of one command line. */
  record Options(
      String command,
      String runId,
      String store,
      String prefix,
      String user,
      String passwordVariable,
      Set<RunQuery.State> states,
      String agent,
      String owner,
      String holder,
      Map<String, String> labels,
      int limit,
      String after,
      Duration retention,
      boolean dryRun,
      boolean json,
      boolean help,
      String keyVariable,
      String keyFile,
      boolean force,
      String out) {}

  /** A command line that cannot be run, with what is wrong with it. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Reads a command line. */
  static Options parse(String... args) throws UsageException {
    if (args.length == 0) {
      throw new UsageException(
          "name a command: runs list, count, show, audit, release, delete or sweep; or key");
    }
    if (args[0].equals("--help") || args[0].equals("-h")) {
      return new Options(
          null, null, null, null, null, null, Set.of(), null, null, null, Map.of(), 0, null, null,
          false, false, true, null, null, false, null);
    }
    if (args[0].equals("key")) {
      return key(args);
    }
    if (!args[0].equals("runs")) {
      throw new UsageException(
          "unknown command: " + args[0] + " (the commands are runs ... and key)");
    }
    if (args.length < 2 || args[1].startsWith("-")) {
      if (args.length >= 2 && (args[1].equals("--help") || args[1].equals("-h"))) {
        return parse("--help");
      }
      throw new UsageException(
          "name a command: runs list, count, show, audit, release, delete or sweep");
    }
    String command = args[1];
    if (!COMMANDS.contains(command)) {
      throw new UsageException(
          "unknown command: runs "
              + command
              + " (list, count, show, audit, release, delete or sweep)");
    }
    String runId = null;
    String store = null;
    String prefix = "kimi_agent";
    String user = null;
    String passwordVariable = null;
    Set<RunQuery.State> states = EnumSet.noneOf(RunQuery.State.class);
    String agent = null;
    String owner = null;
    String holder = null;
    Map<String, String> labels = new LinkedHashMap<>();
    int limit = RunQuery.DEFAULT_LIMIT;
    String after = null;
    Duration retention = null;
    boolean dryRun = false;
    boolean json = false;
    boolean help = false;
    String keyVariable = null;
    String keyFile = null;
    boolean force = false;
    for (Arg arg : read(args, 2)) {
      String value = arg.value();
      switch (arg.option()) {
        case "" -> {
          if (runId != null) {
            throw new UsageException("unknown argument: " + value);
          }
          runId = value;
        }
        case "--help", "-h" -> help = true;
        case "--json" -> json = true;
        case "--dry-run" -> dryRun = true;
        case "--store" -> store = value;
        case "--table-prefix" -> prefix = value;
        case "--user" -> user = value;
        case "--password-env" -> passwordVariable = value;
        case "--state" -> {
          for (String s : value.split(",")) {
            states.add(state(s.strip()));
          }
        }
        case "--agent" -> agent = value;
        case "--owner" -> owner = value;
        case "--holder" -> holder = value;
        case "--label" -> {
          int e = value.indexOf('=');
          if (e <= 0) {
            throw new UsageException("--label takes NAME=VALUE: " + value);
          }
          labels.put(value.substring(0, e), value.substring(e + 1));
        }
        case "--limit" -> limit = limit(value);
        case "--after" -> after = value;
        case "--retention" -> retention = duration(value);
        case "--key-env" -> keyVariable = value;
        case "--key-file" -> keyFile = value;
        case "--force" -> force = true;
        case "--out" -> throw new UsageException("--out is an option of key: key --out FILE");
        default -> throw new AssertionError(arg.option()); // read() knows no other
      }
    }
    if (help) {
      return parse("--help");
    }
    boolean byId =
        List.of("delete", "show", "audit").contains(command)
            || (command.equals("release") && holder == null);
    if (byId && runId == null) {
      throw new UsageException(
          "runs "
              + command
              + " names the run: runs "
              + command
              + " RUN_ID"
              + (command.equals("release") ? " --holder WORKER (or --force)" : "")
              + (command.equals("audit") ? " --key-env VAR (or --key-file FILE)" : ""));
    }
    if (!byId && runId != null && !command.equals("release")) {
      throw new UsageException("unknown argument: " + runId);
    }
    if (command.equals("release")) {
      if (force && holder != null) {
        throw new UsageException(
            "runs release takes --holder WORKER (the claim of the worker named) or --force"
                + " (whatever claim the run has), not both");
      }
      if (force && runId == null) {
        throw new UsageException("runs release --force names the run: runs release RUN_ID --force");
      }
      if (runId != null && holder == null && !force) {
        throw new UsageException(
            "runs release "
                + runId
                + " names the worker whose claim it ends, as runs list shows it: --holder WORKER"
                + " (a claim another worker took since is left as it is); or --force, to end"
                + " whatever claim the run has");
      }
    } else if (force) {
      throw new UsageException("--force is an option of runs release");
    }
    if (command.equals("audit") && (keyVariable == null) == (keyFile == null)) {
      throw new UsageException(
          "runs audit verifies the run under the agents' key: name it with --key-env VAR or"
              + " --key-file FILE (one of them)");
    }
    if (!command.equals("audit") && (keyVariable != null || keyFile != null)) {
      throw new UsageException(
          "--key-env and --key-file are options of runs audit (runs show does not verify)");
    }
    if (store == null) {
      throw new UsageException("--store names the store: file:DIR or jdbc:URL");
    }
    return new Options(
        command,
        runId,
        store,
        prefix,
        user,
        passwordVariable,
        Set.copyOf(states),
        agent,
        owner,
        holder,
        Map.copyOf(labels),
        limit,
        after,
        retention,
        dryRun,
        json,
        false,
        keyVariable,
        keyFile,
        force,
        null);
  }

  /** The commands of {@code runs}. */
  private static final List<String> COMMANDS =
      List.of("list", "count", "show", "audit", "release", "delete", "sweep");

  /** Reads {@code key [--out FILE]}. */
  private static Options key(String[] args) throws UsageException {
    String out = null;
    for (Arg arg : read(args, 1)) {
      switch (arg.option()) {
        case "--out" -> out = arg.value();
        case "--help", "-h" -> {
          return parse("--help");
        }
        default ->
            throw new UsageException(
                "key takes --out FILE alone: "
                    + (arg.option().isEmpty() ? arg.value() : arg.option()));
      }
    }
    return new Options(
        "key", null, null, null, null, null, Set.of(), null, null, null, Map.of(), 0, null, null,
        false, false, false, null, null, false, out);
  }

  /**
   * The key {@code runs audit} verifies with, from the environment or a file; null for another
   * command.
   *
   * @throws UsageException when the variable is not set
   * @throws IllegalArgumentException when it or the file does not hold a key (never quoted)
   */
  static RunKey key(Options o, Map<String, String> env) throws UsageException {
    if (o.keyFile() != null) {
      return RunKey.fromFile(Path.of(o.keyFile()));
    }
    if (o.keyVariable() == null) {
      return null;
    }
    String value = env.get(o.keyVariable());
    if (value == null || value.isBlank()) {
      throw new UsageException(
          "--key-env names "
              + o.keyVariable()
              + ", which is "
              + (value == null ? "not set" : "blank"));
    }
    try {
      return RunKey.fromBase64(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the environment variable "
              + o.keyVariable()
              + " does not hold a run key: "
              + e.getMessage());
    }
  }

  /** The options that take no value. */
  private static final Set<String> FLAGS = Set.of("--help", "-h", "--json", "--dry-run", "--force");

  /** The options that take a value, as {@code --name value} or {@code --name=value}. */
  private static final Set<String> VALUED =
      Set.of(
          "--store",
          "--table-prefix",
          "--user",
          "--password-env",
          "--state",
          "--agent",
          "--owner",
          "--holder",
          "--label",
          "--limit",
          "--after",
          "--retention",
          "--key-env",
          "--key-file",
          "--out");

  /** One argument: an option ({@code value} null for a flag), or a word ({@code option} empty). */
  private record Arg(String option, String value) {}

  /** Reads the arguments from {@code from} on into options with their values, and words. */
  private static List<Arg> read(String[] args, int from) throws UsageException {
    List<Arg> read = new ArrayList<>();
    int i = from;
    while (i < args.length) {
      String word = args[i++];
      if (!word.startsWith("-")) {
        read.add(new Arg("", word));
        continue;
      }
      int eq = word.startsWith("--") ? word.indexOf('=') : -1;
      String option = eq > 0 ? word.substring(0, eq) : word;
      if (option.equals("--password")) {
        throw new UsageException(
            "--password is not taken: a password on the command line is seen by every user of"
                + " the machine (ps); put it in an environment variable and name it with"
                + " --password-env VAR");
      }
      if (FLAGS.contains(option) && eq < 0) {
        read.add(new Arg(option, null));
      } else if (VALUED.contains(option)) {
        String value = eq > 0 ? word.substring(eq + 1) : i < args.length ? args[i++] : "";
        if (value.isBlank()) {
          throw new UsageException(option + " needs a value");
        }
        read.add(new Arg(option, value.strip()));
      } else {
        throw new UsageException(
            FLAGS.contains(option)
                ? option + " takes no value: " + word
                : "unknown argument: " + word);
      }
    }
    return read;
  }

  private static RunQuery.State state(String s) throws UsageException {
    for (RunQuery.State st : RunQuery.State.values()) {
      if (st.name().equalsIgnoreCase(s) || st.name().replace("_", "-").equalsIgnoreCase(s)) {
        return st;
      }
    }
    throw new UsageException("--state is one of " + STATES + ": " + s);
  }

  private static int limit(String value) throws UsageException {
    if (!value.matches("[0-9]{1,7}") || Integer.parseInt(value) == 0) {
      throw new UsageException("--limit takes a whole number from 1: " + value);
    }
    return Integer.parseInt(value);
  }

  /** An ISO-8601 duration ({@code P30D}, {@code PT12H}), or days, hours or minutes: 30d, 12h. */
  static Duration duration(String value) throws UsageException {
    try {
      Duration d;
      if (value.matches("[0-9]{1,6}[dhm]")) {
        long n = Long.parseLong(value.substring(0, value.length() - 1));
        d =
            switch (value.charAt(value.length() - 1)) {
              case 'd' -> Duration.ofDays(n);
              case 'h' -> Duration.ofHours(n);
              default -> Duration.ofMinutes(n);
            };
      } else {
        d = Duration.parse(value.toUpperCase(Locale.ROOT));
      }
      if (d.isZero() || d.isNegative()) {
        throw new UsageException("--retention must be positive: " + value);
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new UsageException(
          "--retention takes a duration such as 30d, 12h, P30D or PT12H: " + value);
    }
  }

  /** Opens the store the options name. */
  static RunStore open(Options o, Map<String, String> env) throws UsageException {
    String spec = o.store();
    if (spec.startsWith("file:")) {
      return FileRunStore.of(Path.of(spec.substring("file:".length())));
    }
    if (spec.startsWith("jdbc:")) {
      String password = null;
      if (o.passwordVariable() != null) {
        password = env.get(o.passwordVariable());
        if (password == null) {
          throw new UsageException(
              "--password-env names " + o.passwordVariable() + ", which is not set");
        }
      }
      return JdbcRunStore.of(new Connections(spec, o.user(), password), o.prefix());
    }
    if (spec.startsWith("redis:")) {
      throw new UsageException(
          "a Redis store is kimi-sdk-redis's (RedisRunStore, on the application's client): find"
              + " its runs from code, or name a file: or jdbc: store");
    }
    throw new UsageException("--store is file:DIR or jdbc:URL: " + spec);
  }

  /**
   * Connections from the JDBC driver on the class path, one per use (a command is short); the
   * module's tests open their stores through it too.
   */
  static final class Connections implements DataSource {
    private final String url;
    private final String user;
    private final String password;

    Connections(String url, String user, String password) {
      this.url = url;
      this.user = user;
      this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return user == null && password == null
          ? DriverManager.getConnection(url)
          : DriverManager.getConnection(url, user, password == null ? "" : password);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }

    @Override
    public String toString() {
      return "Connections[" + url + "]"; // never the password
    }
  }
}
