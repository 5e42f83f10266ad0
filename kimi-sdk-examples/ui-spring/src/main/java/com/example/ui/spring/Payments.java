package com.example.ui.spring;

import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.tool.JsonSchema;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A payment service, as a team's would be: it makes a transfer once per idempotency key, and
 * counts what it did. The agent's tool passes the call's key on; a person approves every transfer.
 */
public class Payments {
  private final Map<String, String> made = new LinkedHashMap<>(); // by key; guarded by this
  private int requests; // guarded by this

  synchronized String transfer(String to, long amount, String key) {
    requests++;
    String receipt = made.computeIfAbsent(key, k -> "receipt " + (made.size() + 1));
    return "transferred " + amount + " to " + to + " (" + receipt + ")";
  }

  /** The transfers made, and how many requests asked for them. */
  public synchronized JsonObject toJson() {
    JsonArray.Builder transfers = JsonArray.builder();
    made.values().forEach(transfers::add);
    return JsonObject.builder().put("transfers", transfers.build()).put("requests", requests).build();
  }

  /** How many transfers were made. */
  public synchronized int transfers() {
    return made.size();
  }

  /** The tool the agent calls: it waits for a person's approval, and is idempotent. */
  AgentTool tool() {
    return AgentTool.of(
            "transfer",
            "Moves money to an account",
            JsonSchema.object()
                .required("to", JsonSchema.string())
                .required("amount", JsonSchema.integer())
                .build(),
            (args, ctx) ->
                transfer(
                    args.get("to").asString(), args.get("amount").asLong(), ctx.idempotencyKey()))
        .approval(Approval.always())
        .asIdempotent();
  }
}
