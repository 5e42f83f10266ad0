package io.github.kimisdk.benchmarks.toolloop;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Compaction;
import io.github.kimisdk.agents.FileRunStore;
import io.github.kimisdk.agents.JdbcRunStore;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.redis.JedisScripts;
import io.github.kimisdk.redis.RedisRunStore;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.ds.PGSimpleDataSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * One tool loop of {@code ToolLoopCost}, as a team writes it with the build it is compiled against:
 * {@code ToolLoopCost} compiles this same source against each build it measures (the build's own
 * jars, at run time) and loads it from them in a class loader of its own, so both builds run the
 * same code. It runs {@code ToolLoopServer}'s task (ten turns of two parallel {@code notify} calls,
 * then an answer) one loop per {@link #call()}, and returns the model calls and tool calls it made.
 *
 * <p>The loops ({@code loop} in the configuration): {@code chat}, the loop written by hand with the
 * core alone (each reply's calls answered in order on the calling thread: the floor, what the model
 * calls cost without a loop's machinery); {@code agent}, kimi-sdk-agents' {@code Agent} with its
 * defaults and {@code compaction} {@code on} (its default) or {@code off} ({@code
 * Compaction.off()}), and {@code store} {@code none} (no store: a run in memory; refused on a build
 * whose agent then writes {@code ./kimi-runs}), {@code memory} ({@code RunStore.inMemory()}, a
 * fresh one at each {@link #reset()}), {@code file} (a {@code FileRunStore} in {@code files}),
 * {@code postgres} (a {@code JdbcRunStore} on {@code jdbc}, a connection a call ({@code
 * PGSimpleDataSource}), no pool, as {@code RunStoreCost}) or {@code redis} (a {@code RedisRunStore}
 * on {@code redis}, host:port, database {@code redisDb}). The tool's handler is trivial: it writes
 * one line.
 */
public final class LoopDriver implements Callable<long[]>, AutoCloseable {
  private final KimiClient kimi;
  private final String loop;
  private final Map<String, String> config;
  private final AtomicInteger handled = new AtomicInteger();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final String prefix = "loop-" + Long.toString(System.nanoTime(), 36) + "-";
  private final List<Tool> tools;
  private final String task;
  private final String answer;
  private Agent agent;
  private RunStore store;
  private int runs;

  /**
   * Opens the loop.
   *
   * @param config {@code url}, {@code loop}, and the loop's settings (see the class comment)
   * @throws Exception if a store cannot be opened
   */
  public LoopDriver(Map<String, String> config) throws Exception {
    this.config = Map.copyOf(config);
    this.loop = config.get("loop");
    this.task = config.get("task");
    this.answer = config.get("answer");
    this.kimi = KimiClient.builder().apiKey("sk-bench").baseUrl(config.get("url")).build();
    closing.add(kimi);
    this.tools = List.of(notifyTool().tool());
    switch (loop) {
      case "chat":
        break;
      case "agent":
        store = store(config.get("store"));
        reset();
        break;
      default:
        throw new IllegalArgumentException("no loop " + loop);
    }
  }

  private AgentTool notifyTool() {
    return AgentTool.of(
        "notify",
        "Tells an account holder that their statement is ready",
        JsonSchema.object().required("to", JsonSchema.string()).build(),
        (arguments, context) -> handle(arguments));
  }

  private String handle(JsonValue arguments) {
    handled.incrementAndGet();
    return "told " + arguments.get("to").asString();
  }

  /** Starts afresh what runs leave behind in memory (a new in-memory store), outside the slices. */
  public void reset() {
    if (!loop.equals("agent") || (agent != null && !config.get("store").equals("memory"))) {
      return;
    }
    Agent.Builder b = Agent.builder(kimi, "kimi-k3").tool(notifyTool());
    if (config.get("compaction").equals("off")) {
      b.compaction(Compaction.off());
    } else if (!config.get("compaction").equals("on")) {
      throw new IllegalArgumentException("compaction on or off, not " + config.get("compaction"));
    }
    if (config.get("store").equals("memory")) {
      b.unsealed().store(RunStore.inMemory()); // measured as before the seal
    } else if (store != null) {
      b.unsealed().store(store);
    }
    agent = b.build();
  }

  private RunStore store(String kind) throws Exception {
    switch (kind) {
      case "none":
        try {
          // the build before the one loop: an agent without a store kept its runs in ./kimi-runs
          Class.forName("io.github.kimisdk.agent.ToolRunner", false, getClass().getClassLoader());
          throw new IllegalArgumentException(
              "this build's agent writes ./kimi-runs without a store: measure it with store memory");
        } catch (ClassNotFoundException oneLoop) {
          return null;
        }
      case "memory":
        return null;
      case "file":
        return FileRunStore.of(Path.of(config.get("files")));
      case "postgres":
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setURL(config.get("jdbc"));
        postgres.setUser("kimi");
        return JdbcRunStore.of(postgres).createTables();
      case "redis":
        String[] at = config.get("redis").split(":");
        RedisClient jedis =
            RedisClient.builder()
                .hostAndPort(at[0], Integer.parseInt(at[1]))
                .clientConfig(
                    DefaultJedisClientConfig.builder()
                        .socketTimeoutMillis(2000)
                        .database(Integer.parseInt(config.get("redisDb")))
                        .build())
                .build();
        closing.add(0, jedis::close);
        return RedisRunStore.of(JedisScripts.of(jedis));
      default:
        throw new IllegalArgumentException("no store " + kind);
    }
  }

  @Override
  public long[] call() throws Exception {
    handled.set(0);
    int steps;
    if (loop.equals("chat")) {
      steps = byHand();
    } else {
      RunResult r = agent.run(prefix + runs++, List.of(Message.user(task)));
      if (!(r instanceof RunResult.Answered a) || !a.state().text().equals(answer)) {
        throw new IllegalStateException("the agent's run did not answer: " + r);
      }
      steps = a.state().steps();
    }
    return new long[] {steps, handled.get()};
  }

  private int byHand() {
    List<Message> messages = new ArrayList<>();
    messages.add(Message.user(task));
    for (int steps = 1; ; steps++) {
      ChatCompletion c =
          kimi.chat(ChatRequest.builder("kimi-k3").messages(messages).tools(tools).build());
      AssistantMessage reply = c.choices().get(0).message();
      messages.add(reply);
      if (!reply.hasToolCalls()) {
        if (!answer.equals(reply.content())) {
          throw new IllegalStateException("the loop did not answer: " + reply);
        }
        return steps;
      }
      for (ToolCall call : reply.toolCalls()) {
        messages.add(Message.tool(call, handle(call.argumentsJson())));
      }
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : closing) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + c + " failed", e);
      }
    }
  }
}
