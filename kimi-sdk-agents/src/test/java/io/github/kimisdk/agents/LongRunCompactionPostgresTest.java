package io.github.kimisdk.agents;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 103's long run ({@link LongRunCompactionHttpTest}) kept in PostgreSQL. */
@Tag("multiprocess") // a PostgreSQL server it starts: mvn -B -P slow verify
class LongRunCompactionPostgresTest {
  @RegisterExtension static final PostgresServer.PerClass PG = new PostgresServer.PerClass();

  @Test
  @Tag("slow") // 600 steps and their compactions: mvn -B -P slow verify
  void sixHundredLookupsOnASixThousandTokenWindowAnswerOnPostgres() {
    RunStore store = JdbcRunStore.of(PG.server().dataSource(), "fees").createTables();

    LongRunCompactionHttpTest.Outcome o =
        LongRunCompactionHttpTest.run(6_000, 600, store, "postgres");

    LongRunCompactionHttpTest.assertAnswered(o, 6_000, 600, "postgres");
  }
}
