package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL server, through its JDBC driver. */
class JdbcRunStorePostgresTest extends RunStoreContract {
  static PostgresServer server;
  private static final AtomicInteger TABLES = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    String why = PostgresServer.unavailable();
    assumeTrue(why == null, why);
    server = PostgresServer.start(false);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected RunStore store() {
    return JdbcRunStore.of(server.dataSource(), "t" + TABLES.incrementAndGet()).createTables();
  }

  @Test
  void createTablesAgainChangesNothing() {
    JdbcRunStore s = JdbcRunStore.of(server.dataSource(), "again").createTables();
    Claim.Held a = (Claim.Held) s.claim("run-1", "a", T0, T0.plus(LEASE));
    s.put(a, "state", bytes("kept"));
    s.createTables();
    assertThat(text(s.get("run-1", "state"))).isEqualTo("kept");
  }
}
