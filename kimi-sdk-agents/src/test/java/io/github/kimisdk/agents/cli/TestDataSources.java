package io.github.kimisdk.agents.cli;

import javax.sql.DataSource;

/** The command's data source, for the tests of the stores in other packages of this module. */
public final class TestDataSources {

  private TestDataSources() {}

  /**
   * A data source that opens a connection per use through the driver on the class path.
   *
   * @param url the JDBC URL
   * @param user the user, with an empty password
   * @return the data source
   */
  public static DataSource of(String url, String user) {
    return new CommandLine.Connections(url, user, null);
  }
}
