/**
 * kimi-sdk-agents: agent runs a team can leave running. An {@link io.github.kimisdk.agents.Agent}
 * runs Kimi's tool calls with approvals and hooks, saves each run as a value ({@link
 * io.github.kimisdk.agents.RunState}) in a {@link io.github.kimisdk.agents.RunStore} that claims a
 * run once across workers and records each tool call before its effect, and resumes it in another
 * process. {@code java.sql} is optional ({@code static}): only {@link
 * io.github.kimisdk.agents.JdbcRunStore} uses it, and a program that uses that store names a {@code
 * DataSource}, so its module reads {@code java.sql} already.
 */
module io.github.kimisdk.agents {
  requires transitive io.github.kimisdk;
  requires static transitive java.sql;

  exports io.github.kimisdk.agents;
}
