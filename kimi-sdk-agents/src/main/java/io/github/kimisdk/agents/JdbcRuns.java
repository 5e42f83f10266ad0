package io.github.kimisdk.agents;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runs a {@link JdbcRunStore} finds: a row per run (its summary) and a row per label, written
 * in the transaction of the run's state, and the queries that find them, joined with the claims, by
 * index, a page at a time (keyset paging: oldest save first, then the run's id). Stateless but for
 * the tables' names.
 */
final class JdbcRuns {
  private final String runs;
  private final String labels;
  private final String claims;
  private final String records;

  JdbcRuns(String prefix) {
    this.runs = prefix + "_runs";
    this.labels = prefix + "_labels";
    this.claims = prefix + "_claims";
    this.records = prefix + "_records";
  }

  /** The tables and indexes finding adds to a store's schema. */
  static List<String> schema(String prefix) {
    return List.of(
        "CREATE TABLE IF NOT EXISTS "
            + prefix
            + "_runs (run_id VARCHAR(128) NOT NULL PRIMARY KEY, agent VARCHAR(200) NOT NULL,"
            + " agent_version VARCHAR(200) NOT NULL, status VARCHAR(16) NOT NULL,"
            + " waiting VARCHAR(16), waiting_since_ms BIGINT, created_ms BIGINT,"
            + " updated_ms BIGINT NOT NULL, owner VARCHAR(200) NOT NULL, steps INTEGER NOT NULL,"
            + " pending INTEGER NOT NULL, labels TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS "
            + prefix
            + "_runs_status ON "
            + prefix
            + "_runs (status, updated_ms, run_id)",
        "CREATE INDEX IF NOT EXISTS "
            + prefix
            + "_runs_agent ON "
            + prefix
            + "_runs (agent, status, updated_ms)",
        "CREATE TABLE IF NOT EXISTS "
            + prefix
            + "_labels (run_id VARCHAR(128) NOT NULL, name VARCHAR(63) NOT NULL,"
            + " label_value VARCHAR(256) NOT NULL, PRIMARY KEY (run_id, name))",
        "CREATE INDEX IF NOT EXISTS "
            + prefix
            + "_labels_value ON "
            + prefix
            + "_labels (name, label_value, run_id)");
  }

  /** Writes a run's summary and labels, in the caller's transaction. */
  void save(Connection c, RunSummary s) throws SQLException {
    JsonObject.Builder l = JsonObject.builder();
    s.labels().forEach(l::put);
    String labelsJson = Json.write(l.build());
    int updated;
    try (PreparedStatement u =
        c.prepareStatement(
            "UPDATE "
                + runs
                + " SET agent = ?, agent_version = ?, status = ?, waiting = ?, waiting_since_ms = ?,"
                + " created_ms = ?, updated_ms = ?, owner = ?, steps = ?, pending = ?, labels = ?"
                + " WHERE run_id = ?")) {
      bind(u, s, labelsJson);
      u.setString(12, s.runId());
      updated = u.executeUpdate();
    }
    if (updated == 0) {
      try (PreparedStatement i =
          c.prepareStatement(
              "INSERT INTO "
                  + runs
                  + " (agent, agent_version, status, waiting, waiting_since_ms, created_ms,"
                  + " updated_ms, owner, steps, pending, labels, run_id)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        bind(i, s, labelsJson);
        i.setString(12, s.runId());
        i.executeUpdate();
      }
      // a run's labels are set when it starts and never change
      for (Map.Entry<String, String> e : s.labels().entrySet()) {
        try (PreparedStatement i =
            c.prepareStatement(
                "INSERT INTO " + labels + " (run_id, name, label_value) VALUES (?, ?, ?)")) {
          i.setString(1, s.runId());
          i.setString(2, e.getKey());
          i.setString(3, e.getValue());
          i.executeUpdate();
        }
      }
    }
  }

  private static void bind(PreparedStatement p, RunSummary s, String labelsJson)
      throws SQLException {
    p.setString(1, s.agent());
    p.setString(2, s.agentVersion());
    p.setString(3, s.status().name().toLowerCase(Locale.ROOT));
    p.setString(4, s.waiting() == null ? null : s.waiting().name().toLowerCase(Locale.ROOT));
    setMillis(p, 5, s.waitingSince());
    setMillis(p, 6, s.createdAt());
    p.setLong(7, s.updatedAt().toEpochMilli());
    p.setString(8, s.owner());
    p.setInt(9, s.steps());
    p.setInt(10, s.pending());
    p.setString(11, labelsJson);
  }

  private static void setMillis(PreparedStatement p, int i, Instant t) throws SQLException {
    if (t == null) {
      p.setNull(i, Types.BIGINT);
    } else {
      p.setLong(i, t.toEpochMilli());
    }
  }

  /** A query's WHERE clause and its parameters, in order. */
  private record Where(String sql, List<Object> params) {}

  private Where where(RunQuery q, boolean paged) {
    StringBuilder w = new StringBuilder(" WHERE 1 = 1");
    List<Object> p = new ArrayList<>();
    long now = q.now().toEpochMilli();
    if (!q.states().isEmpty()) {
      List<String> any = new ArrayList<>();
      for (RunQuery.State s : q.states()) {
        switch (s) {
          case RUNNING:
            any.add("(r.status = 'running' AND c.until_ms > ?)");
            p.add(now);
            break;
          case ORPHANED:
            any.add("(r.status = 'running' AND (c.until_ms IS NULL OR c.until_ms <= ?))");
            p.add(now);
            break;
          case PAUSED:
            any.add("(r.status = 'paused' AND (r.waiting IS NULL OR r.waiting <> 'in_doubt'))");
            break;
          case IN_DOUBT:
            any.add("(r.status = 'paused' AND r.waiting = 'in_doubt')");
            break;
          default:
            any.add("r.status = ?");
            p.add(s.name().toLowerCase(Locale.ROOT));
        }
      }
      w.append(" AND (").append(String.join(" OR ", any)).append(')');
    }
    if (q.agent() != null) {
      w.append(" AND r.agent = ?");
      p.add(q.agent());
    }
    if (q.owner() != null) {
      w.append(" AND r.owner = ?");
      p.add(q.owner());
    }
    if (q.updatedBefore() != null) {
      w.append(" AND r.updated_ms < ?");
      p.add(q.updatedBefore().toEpochMilli());
    }
    for (Map.Entry<String, String> e : q.labels().entrySet()) {
      w.append(" AND EXISTS (SELECT 1 FROM ")
          .append(labels)
          .append(" l WHERE l.run_id = r.run_id AND l.name = ? AND l.label_value = ?)");
      p.add(e.getKey());
      p.add(e.getValue());
    }
    if (paged && q.after() != null) {
      int colon = q.after().indexOf(':');
      long ms;
      try {
        ms = Long.parseLong(q.after().substring(0, Math.max(0, colon)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a page token of this store: " + q.after(), e);
      }
      w.append(" AND (r.updated_ms > ? OR (r.updated_ms = ? AND r.run_id > ?))");
      p.add(ms);
      p.add(ms);
      p.add(q.after().substring(colon + 1));
    }
    return new Where(w.toString(), p);
  }

  private String from() {
    return " FROM " + runs + " r LEFT JOIN " + claims + " c ON c.run_id = r.run_id";
  }

  RunPage list(Connection c, RunQuery q) throws SQLException {
    Where w = where(q, true);
    String sql =
        "SELECT r.run_id, r.agent, r.agent_version, r.status, r.waiting, r.waiting_since_ms,"
            + " r.created_ms, r.updated_ms, r.owner, r.steps, r.pending, r.labels, c.owner,"
            + " c.until_ms"
            + from()
            + w.sql()
            + " ORDER BY r.updated_ms, r.run_id LIMIT ?";
    List<RunSummary> found = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      int i = set(s, w.params());
      s.setInt(i, q.limit() + 1);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          found.add(summary(rs));
        }
      }
    }
    return RunPage.of(found, q.limit());
  }

  long count(Connection c, RunQuery q) throws SQLException {
    Where w = where(q, false);
    try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*)" + from() + w.sql())) {
      set(s, w.params());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static int set(PreparedStatement s, List<Object> params) throws SQLException {
    int i = 1;
    for (Object o : params) {
      if (o instanceof Long l) {
        s.setLong(i++, l);
      } else {
        s.setString(i++, (String) o);
      }
    }
    return i;
  }

  private static RunSummary summary(ResultSet rs) throws SQLException {
    Map<String, String> l = new TreeMap<>();
    if (Json.parse(rs.getString(12)) instanceof JsonObject o) {
      for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
        l.put(e.getKey(), e.getValue().asString());
      }
    }
    String waiting = rs.getString(5);
    long since = rs.getLong(6);
    boolean noSince = rs.wasNull();
    long created = rs.getLong(7);
    boolean noCreated = rs.wasNull();
    String holder = rs.getString(13);
    long until = rs.getLong(14);
    boolean noClaim = rs.wasNull() || holder == null;
    return new RunSummary(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        RunState.Status.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)),
        waiting == null ? null : PendingCall.Kind.valueOf(waiting.toUpperCase(Locale.ROOT)),
        noSince ? null : Instant.ofEpochMilli(since),
        noCreated ? null : Instant.ofEpochMilli(created),
        Instant.ofEpochMilli(rs.getLong(8)),
        rs.getString(9),
        rs.getInt(10),
        rs.getInt(11),
        l,
        noClaim ? null : holder,
        noClaim ? null : Instant.ofEpochMilli(until));
  }

  /** Deletes a run no worker holds, in the caller's transaction; true when there was one. */
  boolean delete(Connection c, String runId, Instant now) throws SQLException {
    try (PreparedStatement held =
        c.prepareStatement("DELETE FROM " + claims + " WHERE run_id = ? AND until_ms <= ?")) {
      held.setString(1, runId);
      held.setLong(2, now.toEpochMilli());
      held.executeUpdate();
    }
    try (PreparedStatement live =
        c.prepareStatement("SELECT COUNT(*) FROM " + claims + " WHERE run_id = ?")) {
      live.setString(1, runId);
      try (ResultSet rs = live.executeQuery()) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return false;
        }
      }
    }
    int n = 0;
    for (String table : List.of(records, labels, runs)) {
      try (PreparedStatement d = c.prepareStatement("DELETE FROM " + table + " WHERE run_id = ?")) {
        d.setString(1, runId);
        n += d.executeUpdate();
      }
    }
    return n > 0;
  }
}
