package io.github.kimisdk.agents;

import io.github.kimisdk.agents.cli.TestDataSources;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 98's "done when" ({@link OperatingRunsProgram}) on a real PostgreSQL server. */
@Tag("multiprocess") // a PostgreSQL server it starts: mvn -B -P slow verify
class OperatingRunsPostgresTest extends OperatingRunsProgram {
  @RegisterExtension static final PostgresServer.PerClass PG = new PostgresServer.PerClass();

  @Override
  protected RunStore store() {
    return JdbcRunStore.of(PG.server().dataSource(), "operating").createTables();
  }

  @Override
  protected List<String> workerStore() {
    return List.of(Opener.class.getName(), PG.server().url());
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
