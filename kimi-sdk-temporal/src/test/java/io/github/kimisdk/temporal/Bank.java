package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.BankTools;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A payment service for tests that honours idempotency keys as a real one does: a transfer whose
 * key it has seen is not done again, and answers as the first time. It counts every effect and
 * every request.
 */
final class Bank {
  record Transfer(String to, long amount, String key) {}

  private final Map<String, Transfer> byKey = new LinkedHashMap<>(); // guarded by this
  private final List<String> requests = new ArrayList<>(); // guarded by this

  synchronized String transfer(String to, long amount, String key) {
    requests.add(key);
    Transfer t = byKey.computeIfAbsent(key, k -> new Transfer(to, amount, k));
    return "transferred " + t.amount() + " to " + t.to();
  }

  synchronized List<Transfer> transfers() {
    return List.copyOf(byKey.values());
  }

  synchronized int requests() {
    return requests.size();
  }

  /** The tool: transfer(to, amount), the key passed to the bank. */
  AgentTool tool() {
    return BankTools.transfer(
        (args, ctx) ->
            transfer(args.get("to").asString(), args.get("amount").asLong(), ctx.idempotencyKey()));
  }
}
