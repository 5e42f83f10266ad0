package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.RunHost;
import io.github.kimisdk.errors.KimiException;
import io.temporal.failure.ApplicationFailure;

/**
 * The activities' bodies on a worker: each looks its agent up and runs the one loop's step body. A
 * model call the client failed for good is a non-retryable failure (the client retried it within
 * its own policy: Temporal retrying it again would multiply the attempts); Temporal retries an
 * attempt only when it did not finish (its worker died, it timed out).
 */
final class Activities implements KimiAgentActivities {
  private final KimiAgents agents;

  Activities(KimiAgents agents) {
    this.agents = agents;
  }

  @Override
  public String chat(String agent, String request) {
    Agent a = agents.agent(agent);
    try {
      return Payloads.reply(RunHost.chat(a, Payloads.request(request)));
    } catch (KimiException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          String.valueOf(e.getMessage()), e.getClass().getSimpleName());
    }
  }

  @Override
  public String runTool(String agent, String job) {
    return Payloads.outcome(RunHost.runTool(agents.agent(agent), Payloads.job(job)));
  }

  @Override
  public String listTools(String agent, String source) {
    return Payloads.functionTools(RunHost.listTools(agents.agent(agent), source));
  }
}
