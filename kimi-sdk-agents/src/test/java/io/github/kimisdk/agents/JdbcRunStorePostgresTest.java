package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on a real PostgreSQL server, through its JDBC driver. */
@Tag("multiprocess") // a PostgreSQL server it starts: mvn -B -P slow verify
class JdbcRunStorePostgresTest extends RunStoreContract {
  @RegisterExtension static final PostgresServer.PerClass PG = new PostgresServer.PerClass();
  private static final AtomicInteger TABLES = new AtomicInteger();

  @Override
  protected RunStore store() {
    return JdbcRunStore.of(PG.server().dataSource(), "t" + TABLES.incrementAndGet()).createTables();
  }

  @Test
  void createTablesAgainChangesNothing() {
    JdbcRunStore s = JdbcRunStore.of(PG.server().dataSource(), "again").createTables();
    Claim.Held a = (Claim.Held) s.claim("run-1", "a", T0, T0.plus(LEASE));
    s.put(a, "state", bytes("kept"));
    s.createTables();
    assertThat(text(s.get("run-1", "state"))).isEqualTo("kept");
  }
}
