package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.testing.FakeKimiServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

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

  /** The protocol {@code KIMI_PROTOCOL} in {@code env} asks for (chat completions when unset). */
  static WireProtocol protocol(Map<String, String> env) {
    String setting = env.getOrDefault("KIMI_PROTOCOL", "");
    return setting.isBlank() ? WireProtocol.CHAT_COMPLETIONS : WireProtocol.parse(setting);
  }

  /**
   * Opens a session for an example that Anthropic Messages cannot serve: when {@code env} asks for
   * it the session says so first, with {@code why}, and stays on chat completions; Responses, on
   * the same base, serves it.
   */
  static ExampleSession openChatCompletions(
      Map<String, String> env, PrintStream out, String defaultModel, String why) {
    return openAvoiding(WireProtocol.ANTHROPIC_MESSAGES, env, out, defaultModel, why);
  }

  /**
   * Opens a session for an example that the Responses wire cannot serve (a prefill, for one): when
   * {@code env} asks for Responses the session says so first, with {@code why}, and stays on chat
   * completions.
   */
  static ExampleSession openWithoutResponses(
      Map<String, String> env, PrintStream out, String defaultModel, String why) {
    return openAvoiding(WireProtocol.RESPONSES, env, out, defaultModel, why);
  }

  private static ExampleSession openAvoiding(
      WireProtocol avoided,
      Map<String, String> env,
      PrintStream out,
      String defaultModel,
      String why) {
    if (protocol(env) != avoided) {
      return open(env, out, defaultModel, null);
    }
    out.println(
        "KIMI_PROTOCOL="
            + env.get("KIMI_PROTOCOL")
            + " is not used here: this example stays on chat completions because "
            + why
            + ".");
    return open(env, out, defaultModel, WireProtocol.CHAT_COMPLETIONS);
  }

  /**
   * Opens a session over Kimi's Responses wire, whatever {@code KIMI_PROTOCOL} says (it is named
   * and not used): the real API with a key in {@code env}, else a started fake.
   */
  static ExampleSession openResponses(Map<String, String> env, PrintStream out, String model) {
    WireProtocol asked = protocol(env);
    if (asked != WireProtocol.CHAT_COMPLETIONS && asked != WireProtocol.RESPONSES) {
      out.println(
          "KIMI_PROTOCOL="
              + env.get("KIMI_PROTOCOL")
              + " is not used here: this example shows the Responses wire.");
    }
    return open(env, out, model, WireProtocol.RESPONSES);
  }

  /**
   * Opens a session: the real API with a key in {@code env}, else a started fake, over the protocol
   * {@code KIMI_PROTOCOL} names. The model is {@code KIMI_MODEL} when set, else {@code
   * defaultModel} (or {@code kimi-for-coding} on the Kimi Code endpoint).
   */
  static ExampleSession open(Map<String, String> env, PrintStream out, String defaultModel) {
    return open(env, out, defaultModel, null);
  }

  private static ExampleSession open(
      Map<String, String> env, PrintStream out, String defaultModel, WireProtocol only) {
    String model = env.getOrDefault("KIMI_MODEL", "").isBlank() ? null : env.get("KIMI_MODEL");
    if (hasKey(env)) {
      KimiClient.Builder builder = KimiClient.builder().fromEnv();
      if (only != null) {
        builder.wireProtocol(only);
      }
      KimiClient kimi = builder.build();
      String m =
          model != null ? model : kimi.endpoint().isKimiCode() ? "kimi-for-coding" : defaultModel;
      out.println("Using " + kimi.endpoint() + " with model " + m + ".");
      return new ExampleSession(kimi, null, m);
    }
    Map<String, String> settings = env;
    if (only != null) {
      settings = new HashMap<>(env);
      settings.put("KIMI_PROTOCOL", only.toString());
    }
    return offline(out, model != null ? model : defaultModel, settings);
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
    WireProtocol protocol = protocol(env);
    FakeKimiServer server = new FakeKimiServer().start();
    KimiClient kimi = fakeClient(server, protocol).build();
    String base = kimi.endpoint().baseUrl();
    out.println(
        "No API key in "
            + String.join(", ", KEY_VARIABLES)
            + ": using FakeKimiServer at "
            + base
            + " (offline).");
    return new ExampleSession(kimi, server, model);
  }

  /**
   * Thinking switched off for a quick answer where the model lets the caller choose (kimi-k3,
   * kimi-k2.6), else left to the model (kimi-k2.7-code always thinks and refuses {@code disabled}),
   * as the model table says.
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
    return clientBuilder(kimi.wireProtocol());
  }

  /** As {@link #clientBuilder()}, for the surface of the same platform that speaks {@code p}. */
  KimiClient.Builder clientBuilder(WireProtocol p) {
    return server == null ? KimiClient.builder().fromEnv().wireProtocol(p) : fakeClient(server, p);
  }

  /** A builder for a client of {@code server}'s surface for {@code protocol}. */
  static KimiClient.Builder fakeClient(FakeKimiServer server, WireProtocol protocol) {
    return KimiClient.builder()
        .apiKey("offline-demo-key")
        .baseUrl(
            protocol == WireProtocol.ANTHROPIC_MESSAGES
                ? server.anthropicBaseUrl()
                : server.baseUrl())
        .wireProtocol(protocol);
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

  /**
   * Formats what Kimi's prefix cache served of a prompt, such as {@code [cache] 301 of 329 prompt
   * tokens from Kimi's prefix cache (91% hit)}.
   */
  static String cacheLine(Usage usage) {
    if (usage == null) {
      return "[cache] usage not reported";
    }
    int cached = usage.cachedTokens() == null ? 0 : usage.cachedTokens();
    if (cached == 0) {
      return "[cache] none of " + usage.promptTokens() + " prompt tokens cached yet";
    }
    return String.format(
        Locale.ROOT,
        "[cache] %d of %d prompt tokens from Kimi's prefix cache (%.0f%% hit)",
        cached,
        usage.promptTokens(),
        usage.cacheHitRatio() * 100);
  }

  /**
   * Formats tokens and cost, such as {@code 1,234 tokens (301 cached), USD 0.000537}, or {@code
   * ..., no price for k3} when the client's price table has none.
   */
  static String spendLine(Spend spend) {
    String tokens =
        String.format(
            Locale.ROOT, "%,d tokens (%,d cached)", spend.totalTokens(), spend.cachedTokens());
    StringBuilder sb = new StringBuilder(tokens);
    for (Cost c : spend.costs()) {
      sb.append(", ").append(c.currency().getCurrencyCode()).append(' ');
      sb.append(c.total().toPlainString());
    }
    if (!spend.isComplete()) {
      sb.append(", no price for ").append(String.join(", ", spend.unpricedModels()));
    }
    return sb.toString();
  }

  /** Counts messages in words: {@code 1 message}, {@code 5 messages}. */
  static String messages(int count) {
    return count == 1 ? "1 message" : count + " messages";
  }

  /**
   * One line saying why {@code file} cannot be used, from the I/O failure {@code e} (or its cause),
   * for a program that should not answer a mistyped path with a stack trace.
   */
  static String fileProblem(Path file, Throwable e) {
    Throwable cause = e;
    while (!(cause instanceof IOException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String reason;
    if (cause instanceof NoSuchFileException) {
      reason = "no such file or directory";
    } else if (cause instanceof AccessDeniedException) {
      reason = "permission denied";
    } else if (cause instanceof FileSystemException f && f.getReason() != null) {
      reason = f.getReason();
    } else if (cause.getMessage() != null) {
      reason = cause.getMessage();
    } else {
      reason = cause.getClass().getSimpleName();
    }
    return "Cannot use " + file + ": " + reason + ".";
  }

  /** Returns null when {@code file} is a file this process can read, else {@link #fileProblem}. */
  static String unreadable(Path file) {
    if (Files.isDirectory(file)) {
      return "Cannot use " + file + ": it is a directory, not a file.";
    }
    try {
      Files.newInputStream(file).close();
      return null;
    } catch (IOException e) {
      return fileProblem(file, e);
    }
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

  /**
   * Deletes a temporary directory an example made for itself, and all in it: a run's files and its
   * key do not outlive the demo. A directory the user named is never given here.
   */
  static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory: the system cleans it in the end
    }
  }
}
