package io.github.kimisdk.agents;

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
    Transfer t = byKey.get(key);
    if (t == null) {
      t = new Transfer(to, amount, key);
      byKey.put(key, t);
    }
    return "transferred "
        + t.amount()
        + " to "
        + t.to()
        + " (receipt "
        + key.substring(5, 13)
        + ")";
  }

  synchronized List<Transfer> transfers() {
    return List.copyOf(byKey.values());
  }

  synchronized int requests() {
    return requests.size();
  }

  /** What a test does at the start of each transfer call, before the bank is asked. */
  interface Before {
    void run() throws Exception;
  }

  /** The tool: transfer(to, amount), the key passed to the bank. */
  AgentTool tool() {
    return tool(() -> {});
  }

  /** The tool, each call running {@code before} first (a test that holds a call in flight). */
  AgentTool tool(Before before) {
    return BankTools.transfer(
        (args, ctx) -> {
          before.run();
          return transfer(
              args.get("to").asString(), args.get("amount").asLong(), ctx.idempotencyKey());
        });
  }
}
