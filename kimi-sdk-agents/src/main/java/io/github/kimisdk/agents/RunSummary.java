package io.github.kimisdk.agents;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Holds what a store keeps of a run to find it without reading its whole state: written with every
 * save of the state ({@link RunStore#putState}), and, when the store lists runs ({@link
 * RunStore#list}), with the run's claim as the store holds it then.
 *
 * @param runId the run
 * @param agent the agent's name
 * @param agentVersion the agent's version
 * @param status where the run stood at its last save
 * @param waiting for a paused run, {@link PendingCall.Kind#IN_DOUBT} when a call of it is in doubt,
 *     else {@link PendingCall.Kind#APPROVAL}; null for a run that does not wait
 * @param waitingSince when the longest-waiting call began to wait, or null
 * @param createdAt when the run started, or null for a run saved before this was recorded
 * @param updatedAt when it was last saved
 * @param owner the worker that last saved it
 * @param steps its model calls and its subagents'
 * @param pending how many calls it waits on
 * @param labels its labels
 * @param holder the worker that holds its claim, as listed; null when none or not listed
 * @param claimedUntil when that claim lapses, as listed; null when none or not listed
 */
public record RunSummary(
    String runId,
    String agent,
    String agentVersion,
    RunState.Status status,
    PendingCall.Kind waiting,
    Instant waitingSince,
    Instant createdAt,
    Instant updatedAt,
    String owner,
    int steps,
    int pending,
    Map<String, String> labels,
    String holder,
    Instant claimedUntil) {

  /**
   * Checks the components and copies the labels.
   *
   * @param runId the run
   * @param agent the agent
   * @param agentVersion its version
   * @param status the status
   * @param waiting what it waits on, or null
   * @param waitingSince since when, or null
   * @param createdAt when it started, or null
   * @param updatedAt when it was saved
   * @param owner the worker that saved it
   * @param steps its steps
   * @param pending its pending calls
   * @param labels its labels
   * @param holder the claim's holder, or null
   * @param claimedUntil when the claim lapses, or null
   * @throws NullPointerException if {@code runId}, {@code agent}, {@code agentVersion}, {@code
   *     status}, {@code updatedAt}, {@code owner} or {@code labels} is null
   */
  public RunSummary {
    Objects.requireNonNull(runId, "runId must not be null");
    Objects.requireNonNull(agent, "agent must not be null");
    Objects.requireNonNull(agentVersion, "agentVersion must not be null");
    Objects.requireNonNull(status, "status must not be null");
    Objects.requireNonNull(updatedAt, "updatedAt must not be null");
    Objects.requireNonNull(owner, "owner must not be null");
    labels = Map.copyOf(labels);
  }

  /**
   * Returns where the run is found now: a running run whose claim is not held (its worker died or
   * stopped) is {@link RunQuery.State#ORPHANED}; a paused run with a call in doubt is {@link
   * RunQuery.State#IN_DOUBT}.
   *
   * @param now the time to judge the claim by
   * @return the state
   */
  public RunQuery.State state(Instant now) {
    switch (status) {
      case RUNNING:
        return holder != null && claimedUntil != null && claimedUntil.isAfter(now)
            ? RunQuery.State.RUNNING
            : RunQuery.State.ORPHANED;
      case PAUSED:
        return waiting == PendingCall.Kind.IN_DOUBT
            ? RunQuery.State.IN_DOUBT
            : RunQuery.State.PAUSED;
      case ANSWERED:
        return RunQuery.State.ANSWERED;
      case STOPPED:
        return RunQuery.State.STOPPED;
      case FAILED:
        return RunQuery.State.FAILED;
      default:
        throw new AssertionError(status);
    }
  }

  /**
   * Returns this summary with the run's claim as a store holds it when it lists the run.
   *
   * @param holder the claim's holder, or null when none
   * @param until when the claim lapses, or null when none
   * @return the summary
   */
  public RunSummary claimed(String holder, Instant until) {
    return new RunSummary(
        runId,
        agent,
        agentVersion,
        status,
        waiting,
        waitingSince,
        createdAt,
        updatedAt,
        owner,
        steps,
        pending,
        labels,
        holder,
        until);
  }

  /**
   * Returns the summary as JSON, for a store that keeps it as text (the claim left out).
   *
   * @return compact JSON
   */
  public String toJson() {
    JsonObject.Builder o =
        JsonObject.builder()
            .put("run_id", runId)
            .put("agent", agent)
            .put("agent_version", agentVersion)
            .put("status", status.name().toLowerCase(Locale.ROOT))
            .put("updated_at", updatedAt.toString())
            .put("owner", owner)
            .put("steps", steps)
            .put("pending", pending);
    if (waiting != null) {
      o.put("waiting", waiting.name().toLowerCase(Locale.ROOT));
    }
    if (waitingSince != null) {
      o.put("waiting_since", waitingSince.toString());
    }
    if (createdAt != null) {
      o.put("created_at", createdAt.toString());
    }
    JsonObject.Builder l = JsonObject.builder();
    labels.forEach(l::put);
    o.put("labels", l.build());
    return Json.write(o.build());
  }

  /**
   * Reads a summary from {@link #toJson()}.
   *
   * @param json the text
   * @return the summary, without a claim
   * @throws NullPointerException if {@code json} is null
   * @throws IllegalArgumentException if it is not a summary
   */
  public static RunSummary fromJson(String json) {
    Objects.requireNonNull(json, "json must not be null");
    try {
      JsonObject o = (JsonObject) Json.parse(json);
      Map<String, String> labels = new TreeMap<>();
      if (o.get("labels") instanceof JsonObject l) {
        for (Map.Entry<String, JsonValue> e : l.members().entrySet()) {
          labels.put(e.getKey(), e.getValue().asString());
        }
      }
      String waiting = Fields.opt(o, "waiting");
      String since = Fields.opt(o, "waiting_since");
      String created = Fields.opt(o, "created_at");
      return new RunSummary(
          Fields.str(o, "run_id"),
          Fields.str(o, "agent"),
          Fields.str(o, "agent_version"),
          RunState.Status.valueOf(Fields.str(o, "status").toUpperCase(Locale.ROOT)),
          waiting == null ? null : PendingCall.Kind.valueOf(waiting.toUpperCase(Locale.ROOT)),
          since == null ? null : Instant.parse(since),
          created == null ? null : Instant.parse(created),
          Instant.parse(Fields.str(o, "updated_at")),
          Fields.str(o, "owner"),
          Fields.num(o, "steps").intValue(),
          Fields.num(o, "pending").intValue(),
          labels,
          null,
          null);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a run summary: " + e.getMessage(), e);
    }
  }
}
