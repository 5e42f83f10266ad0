package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.token.ModelCatalog;
import io.github.kimisdk.token.ModelInfo;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The client an example talks to: the real API when the environment holds a key, else a local
 * {@link FakeKimiServer} (announced on {@code out}), so every example runs offline on a fresh
 * clone. Closing it closes the client and stops the fake.
 */
final class ExampleSession implements AutoCloseable {

  static final List<String> KEY_VARIABLES =
      List.of("MOONSHOT_API_KEY", "KIMI_API_KEY", "KIMI_CODING_API_KEY");

  /**
   * The model the examples use unless {@code KIMI_MODEL} names another: Kimi's flagship since July
   * 2026, the one model new Open Platform accounts reportedly see, and the first the fake lists.
   */
  static final String DEFAULT_MODEL = "kimi-k3";

  private final KimiClient kimi;
  private final FakeKimiServer server;
  private final String model;

  private ExampleSession(KimiClient kimi, FakeKimiServer server, String model) {
    this.kimi = kimi;
    this.server = server;
    this.model = model;
  }

  /**
   * Opens a session: the real API with a key in {@code env}, else a started fake. The model is
   * {@code KIMI_MODEL} when set, else {@code defaultModel} (or {@code kimi-for-coding} on the Kimi
   * Code endpoint).
   */
  static ExampleSession open(Map<String, String> env, PrintStream out, String defaultModel) {
    String model = env.getOrDefault("KIMI_MODEL", "").isBlank() ? null : env.get("KIMI_MODEL");
    if (hasKey(env)) {
      KimiClient kimi = KimiClient.builder().fromEnv().build();
      String m =
          model != null ? model : kimi.endpoint().isKimiCode() ? "kimi-for-coding" : defaultModel;
      out.println("Using " + kimi.endpoint() + " with model " + m + ".");
      return new ExampleSession(kimi, null, m);
    }
    return offline(out, model != null ? model : defaultModel, env);
  }

  /** Opens a session against a started fake, whatever the environment holds. */
  static ExampleSession offline(PrintStream out, String model) {
    return offline(out, model, Map.of());
  }

  /**
   * Opens a session against a started fake, on its Anthropic-compatible surface when {@code env}
   * has {@code KIMI_PROTOCOL=anthropic} (as {@code fromEnv()} does for the real API).
   */
  static ExampleSession offline(PrintStream out, String model, Map<String, String> env) {
    String setting = env.getOrDefault("KIMI_PROTOCOL", "");
    WireProtocol protocol =
        setting.isBlank() ? WireProtocol.CHAT_COMPLETIONS : WireProtocol.parse(setting);
    FakeKimiServer server = new FakeKimiServer().start();
    String base =
        protocol == WireProtocol.ANTHROPIC_MESSAGES ? server.anthropicBaseUrl() : server.baseUrl();
    KimiClient kimi = KimiClient.builder().apiKey("offline-demo-key").baseUrl(base).build();
    out.println(
        "No API key in "
            + String.join(", ", KEY_VARIABLES)
            + ": using FakeKimiServer at "
            + base
            + " (offline).");
    return new ExampleSession(kimi, server, model);
  }

  /**
   * Thinking switched off for a quick answer where the model lets the caller choose (kimi-k2.6),
   * else left to the model (kimi-k3 always thinks and refuses {@code disabled}), as the model table
   * says.
   */
  static Thinking thinkingOffWherePossible(String model) {
    return ModelCatalog.defaults().lookup(model).thinking() == ModelInfo.ThinkingSupport.SWITCHABLE
        ? Thinking.disabled()
        : null;
  }

  static boolean hasKey(Map<String, String> env) {
    return KEY_VARIABLES.stream().anyMatch(v -> !env.getOrDefault(v, "").isBlank());
  }

  KimiClient kimi() {
    return kimi;
  }

  String model() {
    return model;
  }

  /**
   * A builder for another client on the same server as {@link #kimi()}: the real API from the
   * environment, or the fake. The caller closes the client it builds.
   */
  KimiClient.Builder clientBuilder() {
    return server == null
        ? KimiClient.builder().fromEnv()
        : KimiClient.builder().apiKey("offline-demo-key").baseUrl(server.baseUrl());
  }

  boolean isOffline() {
    return server != null;
  }

  /** The fake, for scripting; only call when {@link #isOffline()}. */
  FakeKimiServer server() {
    if (server == null) {
      throw new IllegalStateException("not offline: no FakeKimiServer to script");
    }
    return server;
  }

  @Override
  public void close() {
    kimi.close();
    if (server != null) {
      server.close();
    }
  }

  /** Formats a usage line such as {@code [usage] prompt 12, completion 5, total 17 tokens}. */
  static String usageLine(Usage usage) {
    if (usage == null) {
      return "[usage] not reported";
    }
    return "[usage] prompt "
        + usage.promptTokens()
        + ", completion "
        + usage.completionTokens()
        + (usage.reasoningTokens() == null ? "" : " (reasoning " + usage.reasoningTokens() + ")")
        + ", total "
        + usage.totalTokens()
        + " tokens";
  }

  static String finish(ChatCompletion done) {
    return done.finishReason() == null ? "none" : done.finishReason().value();
  }

  /** A non-streaming chat completion body as Kimi sends it, for scripting the fake. */
  static String completionJson(String model, String content, String finishReason, int tokens) {
    return new JsonWriter()
        .beginObject()
        .name("id")
        .value("chatcmpl-scripted")
        .name("object")
        .value("chat.completion")
        .name("created")
        .value(1_700_000_000L)
        .name("model")
        .value(model)
        .name("choices")
        .beginArray()
        .beginObject()
        .name("index")
        .value(0L)
        .name("message")
        .beginObject()
        .name("role")
        .value("assistant")
        .name("content")
        .value(content)
        .endObject()
        .name("finish_reason")
        .value(finishReason)
        .endObject()
        .endArray()
        .name("usage")
        .beginObject()
        .name("prompt_tokens")
        .value(20L)
        .name("completion_tokens")
        .value((long) tokens)
        .name("total_tokens")
        .value(20L + tokens)
        .endObject()
        .endObject()
        .toString();
  }

  /** Runs an example's body and turns its status into the process exit code. */
  static void exit(int status) {
    if (status != 0) {
      System.exit(status);
    }
  }
}
