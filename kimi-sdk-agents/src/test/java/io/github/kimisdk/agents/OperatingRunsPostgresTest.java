package io.github.kimisdk.agents;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.kimisdk.agents.cli.TestDataSources;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Issue 98's "done when" ({@link OperatingRunsProgram}) on a real PostgreSQL server. */
class OperatingRunsPostgresTest extends OperatingRunsProgram {
  static PostgresServer server;

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
    return JdbcRunStore.of(server.dataSource(), "operating").createTables();
  }

  @Override
  protected List<String> workerStore() {
    return List.of(Opener.class.getName(), server.url());
  }

  /** Opens the store in a worker JVM: the tables {@code operating_*} of the database at a URL. */
  public static final class Opener implements Function<String, RunStore> {
    /** Made by the worker, by name. */
    public Opener() {}

    @Override
    public RunStore apply(String url) {
      return JdbcRunStore.of(TestDataSources.of(url, "kimi"), "operating");
    }
  }
}
