package io.github.kimisdk.agents;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Keeps runs in a relational database through {@code java.sql}, with any JDBC driver the team
 * brings (tested against PostgreSQL), in four tables: {@code PREFIX_claims} (one row per claimed
 * run: holder, fencing token, end of lease), {@code PREFIX_records} (one row per record), and what
 * runs are found by: {@code PREFIX_runs} (one row per run: its summary, written with its state in
 * one transaction) and {@code PREFIX_labels} (one row per label), with indexes on a run's status
 * and last save, its agent, and each label's value ({@link #schema(String)} lists them). A claim is
 * one conditional {@code UPDATE} or an {@code INSERT} that the primary key lets one worker win; a
 * record is written in a transaction that first locks the run's claim row with the writer's token
 * ({@code UPDATE ... WHERE token = ?}), so a worker whose claim passed to another cannot write.
 * Every write is committed before it returns.
 *
 * <pre>{@code
 * JdbcRunStore store = JdbcRunStore.of(dataSource);   // a pool: HikariCP, the driver's own, ...
 * store.createTables();                               // or run JdbcRunStore.schema("kimi_agent")
 * Agent agent = Agent.builder(kimi, "kimi-k3").store(store).key(key).tool(transfer).build();
 * }</pre>
 *
 * <p>The tables ({@link #schema(String)} gives the statements; {@link #createTables()} runs them
 * with {@code IF NOT EXISTS}) use {@code VARCHAR}, {@code INTEGER}, {@code BIGINT} and {@code
 * TEXT}: PostgreSQL, MariaDB, SQLite and H2 take them as written; MySQL takes the tables, and its
 * indexes without {@code IF NOT EXISTS}. Thread-safe: each method takes a connection from the data
 * source and gives it back.
 */
public final class JdbcRunStore implements RunStore {
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,40}");

  private final DataSource dataSource;
  private final String claims;
  private final String records;
  private final JdbcRuns runs;

  private JdbcRunStore(DataSource dataSource, String prefix) {
    this.dataSource = dataSource;
    this.claims = prefix + "_claims";
    this.records = prefix + "_records";
    this.runs = new JdbcRuns(prefix);
  }

  /**
   * Returns a store on {@code dataSource} with the tables {@code kimi_agent_claims}, {@code
   * kimi_agent_records}, {@code kimi_agent_runs} and {@code kimi_agent_labels}.
   *
   * @param dataSource where connections come from
   * @return the store
   * @throws NullPointerException if {@code dataSource} is null
   */
  public static JdbcRunStore of(DataSource dataSource) {
    return of(dataSource, "kimi_agent");
  }

  /**
   * Returns a store on {@code dataSource} whose tables are named {@code PREFIX_claims}, {@code
   * PREFIX_records}, {@code PREFIX_runs} and {@code PREFIX_labels}.
   *
   * @param dataSource where connections come from
   * @param prefix the tables' prefix: a lower-case letter, then up to 40 lower-case letters, digits
   *     or {@code _}
   * @return the store
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the prefix is malformed
   */
  public static JdbcRunStore of(DataSource dataSource, String prefix) {
    Objects.requireNonNull(dataSource, "dataSource must not be null");
    Objects.requireNonNull(prefix, "prefix must not be null");
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "a table prefix is a lower-case letter, then up to 40 lower-case letters, digits or _: "
              + prefix);
    }
    return new JdbcRunStore(dataSource, prefix);
  }

  /**
   * Returns the statements that create the store's tables, for a team that manages its schema with
   * its own tools.
   *
   * @param prefix the tables' prefix
   * @return the {@code CREATE TABLE IF NOT EXISTS} statements, in order
   * @throws NullPointerException if {@code prefix} is null
   * @throws IllegalArgumentException if the prefix is malformed
   */
  public static List<String> schema(String prefix) {
    Objects.requireNonNull(prefix, "prefix must not be null");
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("a malformed table prefix: " + prefix);
    }
    List<String> all = new java.util.ArrayList<>();
    all.add(
        "CREATE TABLE IF NOT EXISTS "
            + prefix
            + "_claims (run_id VARCHAR(128) NOT NULL PRIMARY KEY, owner VARCHAR(200) NOT NULL,"
            + " token VARCHAR(64) NOT NULL, until_ms BIGINT NOT NULL)");
    all.add(
        "CREATE TABLE IF NOT EXISTS "
            + prefix
            + "_records (run_id VARCHAR(128) NOT NULL, record_key VARCHAR(64) NOT NULL,"
            + " body TEXT NOT NULL, PRIMARY KEY (run_id, record_key))");
    all.addAll(JdbcRuns.schema(prefix));
    return List.copyOf(all);
  }

  /**
   * Creates the store's tables where they do not exist.
   *
   * @return this store
   * @throws RunStoreException if the database refuses
   */
  public JdbcRunStore createTables() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      for (String sql : schema(claims.substring(0, claims.length() - "_claims".length()))) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw failed("create the tables", e);
    }
    return this;
  }

  @Override
  public Claim claim(String runId, String owner, Instant now, Instant until) {
    Ids.runId(runId);
    Objects.requireNonNull(owner, "owner must not be null");
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      for (int attempt = 0; attempt < 5; attempt++) {
        String token = Ids.newToken();
        try (PreparedStatement take =
            c.prepareStatement(
                "UPDATE "
                    + claims
                    + " SET owner = ?, token = ?, until_ms = ? WHERE run_id = ? AND until_ms <= ?")) {
          take.setString(1, owner);
          take.setString(2, token);
          take.setLong(3, until.toEpochMilli());
          take.setString(4, runId);
          take.setLong(5, now.toEpochMilli());
          if (take.executeUpdate() == 1) {
            return new Claim.Held(runId, owner, token, until);
          }
        }
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO "
                    + claims
                    + " (run_id, owner, token, until_ms) VALUES (?, ?, ?, ?)")) {
          insert.setString(1, runId);
          insert.setString(2, owner);
          insert.setString(3, token);
          insert.setLong(4, until.toEpochMilli());
          insert.executeUpdate();
          return new Claim.Held(runId, owner, token, until);
        } catch (SQLException e) {
          if (!duplicate(e)) {
            throw e;
          }
        }
        try (PreparedStatement read =
            c.prepareStatement("SELECT owner, until_ms FROM " + claims + " WHERE run_id = ?")) {
          read.setString(1, runId);
          try (ResultSet rs = read.executeQuery()) {
            if (rs.next() && rs.getLong(2) > now.toEpochMilli()) {
              return new Claim.Taken(runId, rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)));
            }
          }
        }
        // released or lapsed between the statements: try again
      }
      throw new RunStoreException("could not settle the claim on run " + runId, null);
    } catch (SQLException e) {
      throw failed("claim run " + runId, e);
    }
  }

  /** An integrity violation (SQLState class 23): the row a worker wanted to insert exists. */
  private static boolean duplicate(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if (x.getSQLState() != null && x.getSQLState().startsWith("23")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean renew(Claim.Held claim, Instant until) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE " + claims + " SET until_ms = ? WHERE run_id = ? AND token = ?")) {
      c.setAutoCommit(true);
      s.setLong(1, until.toEpochMilli());
      s.setString(2, claim.runId());
      s.setString(3, claim.token());
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failed("renew the claim on run " + claim.runId(), e);
    }
  }

  @Override
  public void release(Claim.Held claim) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("DELETE FROM " + claims + " WHERE run_id = ? AND token = ?")) {
      c.setAutoCommit(true);
      s.setString(1, claim.runId());
      s.setString(2, claim.token());
      s.executeUpdate();
    } catch (SQLException e) {
      throw failed("release the claim on run " + claim.runId(), e);
    }
  }

  @Override
  public void put(Claim.Held claim, String key, byte[] value) {
    Ids.key(key);
    String body = new String(value, java.nio.charset.StandardCharsets.UTF_8);
    fenced(claim, "write " + key + " of run " + claim.runId(), c -> upsert(c, claim, key, body));
  }

  @Override
  public void putState(Claim.Held claim, byte[] state, RunSummary summary) {
    String body = new String(state, java.nio.charset.StandardCharsets.UTF_8);
    fenced(
        claim,
        "write the state of run " + claim.runId(),
        c -> {
          upsert(c, claim, Ids.STATE, body);
          runs.save(c, summary);
        });
  }

  /** A statement of a transaction. */
  @FunctionalInterface
  interface Work {
    void run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction that first locks the run's claim row with the claim's token,
   * and commits it; refuses when the token is no longer the run's.
   */
  private void fenced(Claim.Held claim, String what, Work work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock =
            c.prepareStatement(
                "UPDATE " + claims + " SET until_ms = until_ms WHERE run_id = ? AND token = ?")) {
          lock.setString(1, claim.runId());
          lock.setString(2, claim.token());
          if (lock.executeUpdate() != 1) {
            c.rollback();
            throw new ClaimLostException(claim.runId());
          }
        }
        work.run(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollback(c);
        throw e;
      } finally {
        c.setAutoCommit(true); // as a pool lends its connections
      }
    } catch (SQLException e) {
      throw failed(what, e);
    }
  }

  private void upsert(Connection c, Claim.Held claim, String key, String body) throws SQLException {
    int updated;
    try (PreparedStatement u =
        c.prepareStatement(
            "UPDATE " + records + " SET body = ? WHERE run_id = ? AND record_key = ?")) {
      u.setString(1, body);
      u.setString(2, claim.runId());
      u.setString(3, key);
      updated = u.executeUpdate();
    }
    if (updated == 0) {
      try (PreparedStatement i =
          c.prepareStatement(
              "INSERT INTO " + records + " (run_id, record_key, body) VALUES (?, ?, ?)")) {
        i.setString(1, claim.runId());
        i.setString(2, key);
        i.setString(3, body);
        i.executeUpdate();
      }
    }
  }

  @Override
  public RunPage list(RunQuery query) {
    try (Connection c = dataSource.getConnection()) {
      return runs.list(c, query);
    } catch (SQLException e) {
      throw failed("list runs", e);
    }
  }

  @Override
  public long count(RunQuery query) {
    try (Connection c = dataSource.getConnection()) {
      return runs.count(c, query);
    } catch (SQLException e) {
      throw failed("count runs", e);
    }
  }

  @Override
  public boolean delete(String runId, Instant now) {
    Ids.runId(runId);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        boolean deleted = runs.delete(c, runId, now);
        c.commit();
        return deleted;
      } catch (SQLException | RuntimeException e) {
        rollback(c);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failed("delete run " + runId, e);
    }
  }

  @Override
  public boolean release(String runId, String holder) {
    Ids.runId(runId);
    Objects.requireNonNull(holder, "holder must not be null");
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("DELETE FROM " + claims + " WHERE run_id = ? AND owner = ?")) {
      c.setAutoCommit(true);
      s.setString(1, runId);
      s.setString(2, holder);
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failed("end the claim of " + holder + " on run " + runId, e);
    }
  }

  @Override
  public boolean forceRelease(String runId) {
    Ids.runId(runId);
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM " + claims + " WHERE run_id = ?")) {
      c.setAutoCommit(true);
      s.setString(1, runId);
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failed("end the claim on run " + runId, e);
    }
  }

  @Override
  public void check() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT COUNT(*) FROM " + claims + " WHERE run_id = ?")) {
      s.setString(1, "health-check");
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
      }
    } catch (SQLException e) {
      throw failed("answer a health check", e);
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is gone: so is the transaction
    }
  }

  @Override
  public byte[] get(String runId, String key) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT body FROM " + records + " WHERE run_id = ? AND record_key = ?")) {
      s.setString(1, Ids.runId(runId));
      s.setString(2, Ids.key(key));
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1).getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
      }
    } catch (SQLException e) {
      throw failed("read " + key + " of run " + runId, e);
    }
  }

  private RunStoreException failed(String what, SQLException e) {
    String prefix = claims.substring(0, claims.length() - "_claims".length());
    String state = e.getSQLState();
    String hint =
        state != null && (state.equals("42P01") || state.equals("42S02"))
            ? " (a table of the store is missing: the store's tables are "
                + String.join(", ", tables(prefix))
                + "; make them with createTables() or the statements of JdbcRunStore.schema(\""
                + prefix
                + "\"), or name the prefix they were made with: JdbcRunStore.of(dataSource,"
                + " prefix))"
            : "";
    return new RunStoreException(
        "the run store on " + records + " could not " + what + ": " + e.getMessage() + hint, e);
  }

  /** The tables of a store with this prefix, as {@link #schema(String)} creates them. */
  static List<String> tables(String prefix) {
    List<String> out = new java.util.ArrayList<>();
    for (String sql : schema(prefix)) {
      if (sql.startsWith("CREATE TABLE IF NOT EXISTS ")) {
        String rest = sql.substring("CREATE TABLE IF NOT EXISTS ".length());
        out.add(rest.substring(0, rest.indexOf(' ')));
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "JdbcRunStore[" + claims + ", " + records + "]";
  }
}
