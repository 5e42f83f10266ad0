package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.Verdict;
import io.github.kimisdk.json.JsonValue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The agent one run runs with: the registered agent, narrowed by the run's {@link RunSettings},
 * which may tighten what it allows and never loosen it. Built in the workflow's code from the
 * workflow's input alone, so it is the same on every replay and in every execution of a
 * continue-as-new chain. Stateless.
 */
final class RunAgent {
  private RunAgent() {}

  /**
   * Returns the agent a run with {@code settings} runs with: {@code agent} itself when the settings
   * change nothing.
   *
   * @throws IllegalArgumentException naming a setting the registered agent does not allow
   */
  static Agent of(String name, Agent agent, RunSettings settings) {
    if (settings == null || settings.equals(RunSettings.of())) {
      return agent;
    }
    Agent.Limits limits = agent.limits();
    Agent.Builder b = agent.toBuilder();
    if (settings.maxSteps() != null) {
      if (settings.maxSteps() > limits.maxSteps()) {
        throw refused(
            name,
            "maxSteps " + settings.maxSteps(),
            "the agent allows at most " + limits.maxSteps() + " model calls a run");
      }
      b.maxSteps(settings.maxSteps());
    }
    if (settings.maxTotalTokens() != null) {
      if (limits.maxTotalTokens() > 0 && settings.maxTotalTokens() > limits.maxTotalTokens()) {
        throw refused(
            name,
            "maxTotalTokens " + settings.maxTotalTokens(),
            "the agent allows at most " + limits.maxTotalTokens() + " tokens a run");
      }
      b.maxTotalTokens(settings.maxTotalTokens());
    }
    if (settings.maxSpend() != null) {
      BigDecimal amount = settings.spendLimit();
      Currency currency = settings.spendCurrency();
      if (limits.maxSpend() != null
          && (!limits.currency().equals(currency) || amount.compareTo(limits.maxSpend()) > 0)) {
        throw refused(
            name,
            "maxSpend " + amount.toPlainString() + " " + currency,
            "the agent allows at most "
                + limits.maxSpend().toPlainString()
                + " "
                + limits.currency()
                + " a run");
      }
      b.maxSpend(amount, currency);
    }
    Set<String> own = new HashSet<>();
    List<String> missing = new ArrayList<>();
    List<IllegalArgumentException> approvalErrors = new ArrayList<>();
    b.changeTools(
        t -> {
          own.add(t.name());
          if (settings.tools() != null && !settings.tools().contains(t.name())) {
            return null;
          }
          RunSettings.ToolApproval a = settings.approvals().get(t.name());
          if (a == null) {
            return t;
          }
          try {
            return t.approval(approval(name, t, a));
          } catch (IllegalArgumentException e) {
            approvalErrors.add(e);
            return t;
          }
        });
    if (settings.tools() != null) {
      for (String tool : settings.tools()) {
        if (!own.contains(tool)) {
          missing.add(tool);
        }
      }
    }
    for (String tool : settings.approvals().keySet()) {
      if (!own.contains(tool) && !missing.contains(tool)) {
        missing.add(tool);
      }
    }
    if (!missing.isEmpty()) {
      throw refused(
          name,
          "the tools " + missing,
          "the agent has no such tool of its own (its tools: "
              + new java.util.TreeSet<>(own)
              + "; a tool source's tools are not narrowed by a run)");
    }
    if (!approvalErrors.isEmpty()) {
      throw approvalErrors.get(0);
    }
    if (settings.maxPromptTokens() != null) {
      b.compaction(agent.compaction().maxPromptTokens(settings.maxPromptTokens()));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      // the one setting the build checks against the client: a spend limit's price
      throw refused(
          name, "maxSpend " + settings.maxSpend() + " " + settings.currency(), e.getMessage());
    }
  }

  /** The agent's approval of {@code tool} with what the run asks for more. */
  private static Approval approval(String name, AgentTool tool, RunSettings.ToolApproval a) {
    Approval base = tool.approval();
    String id = base.id();
    Function<JsonValue, Verdict> rule = base.rule();
    if (a.everyCall() && !id.equals("always")) {
      if (id.equals("never")) {
        id = Approval.always().id();
        rule = Approval.always().rule();
      } else {
        id = id + "+always";
        Function<JsonValue, Verdict> agentRule = base.rule();
        String why = "this run asks a person for every " + tool.name() + " call";
        rule =
            args -> {
              Verdict v = agentRule.apply(args);
              return v instanceof Verdict.Allow ? Verdict.ask(why) : v;
            };
      }
    }
    int approvers = base.approvers();
    if (a.approvers() > 0) {
      if (a.approvers() < base.approvers()) {
        throw refused(
            name,
            "approvers " + a.approvers() + " for " + tool.name(),
            "the agent asks " + base.approvers() + " different people to approve its calls");
      }
      approvers = a.approvers();
    }
    Duration expires = base.expiresAfter();
    Approval.Expiry then = base.onExpiry();
    if (a.expiresAfter() != null) {
      Duration d = a.expiry();
      Approval.Expiry t = a.expiryAction();
      if (base.expiresAfter() != null
          && base.onExpiry() == Approval.Expiry.REJECT
          && (t != Approval.Expiry.REJECT || d.compareTo(base.expiresAfter()) > 0)) {
        throw refused(
            name,
            "expiresAfter " + d + " (" + t + ") for " + tool.name(),
            "the agent rejects a call that waited " + base.expiresAfter() + " (REJECT)");
      }
      expires = d;
      then = t;
    }
    return new Approval(id, rule, approvers, expires, then);
  }

  private static IllegalArgumentException refused(String agent, String what, String why) {
    return new IllegalArgumentException(
        "the run's settings ask for " + what + ", which the agent " + agent + " refuses: " + why);
  }
}
