package io.github.kimisdk.examples;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.testing.FakeKimiServer;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * A streaming chat: prints Kimi's reply as it arrives, then the token usage.
 *
 * <p>With {@code MOONSHOT_API_KEY}, {@code KIMI_API_KEY} or {@code KIMI_CODING_API_KEY} set it
 * calls the real API (model from {@code KIMI_MODEL}, default {@code kimi-k3}); without one it
 * starts a local {@link FakeKimiServer} and says so, so it runs offline on a fresh clone. {@code
 * KIMI_PROTOCOL=anthropic} switches it to Kimi's Anthropic Messages surface, online or offline:
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.args="Tell me a joke"
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.Quickstart
 * </pre>
 */
public final class Quickstart {

  static final String DEFAULT_PROMPT = "In one sentence, what is a server-sent event?";
  private static final List<String> KEY_VARIABLES =
      List.of("MOONSHOT_API_KEY", "KIMI_API_KEY", "KIMI_CODING_API_KEY");

  private Quickstart() {}

  /**
   * Runs the example.
   *
   * @param args the prompt words (optional)
   */
  public static void main(String[] args) {
    String prompt = args.length == 0 ? DEFAULT_PROMPT : String.join(" ", args);
    int status = run(prompt, System.getenv(), System.out);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs against the real API when {@code env} holds a key, else against FakeKimiServer. */
  static int run(String prompt, Map<String, String> env, PrintStream out) {
    boolean hasKey = KEY_VARIABLES.stream().anyMatch(v -> !env.getOrDefault(v, "").isBlank());
    String model = env.getOrDefault("KIMI_MODEL", "").isBlank() ? null : env.get("KIMI_MODEL");
    if (hasKey) {
      try (KimiClient kimi = KimiClient.fromEnv()) {
        String m = model != null ? model : defaultModel(kimi.endpoint());
        out.println("Using " + kimi.endpoint() + " with model " + m + ".");
        return chat(kimi, m, prompt, out);
      }
    }
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi =
            KimiClient.builder()
                .apiKey("offline-demo-key")
                .baseUrl(
                    ExampleSession.protocol(env) == WireProtocol.ANTHROPIC_MESSAGES
                        ? server.anthropicBaseUrl()
                        : server.baseUrl())
                .build()) {
      out.println(
          "No API key in "
              + String.join(", ", KEY_VARIABLES)
              + ": using FakeKimiServer at "
              + kimi.endpoint().baseUrl()
              + " (offline; it echoes your prompt).");
      return chat(kimi, model != null ? model : ExampleSession.DEFAULT_MODEL, prompt, out);
    }
  }

  private static String defaultModel(Endpoint endpoint) {
    return endpoint.isKimiCode() ? "kimi-for-coding" : ExampleSession.DEFAULT_MODEL;
  }

  private static int chat(KimiClient kimi, String model, String prompt, PrintStream out) {
    out.println("> " + prompt);
    ChatRequest request = ChatRequest.builder(model).addUser(prompt).includeUsage(true).build();
    try (ChatStream stream = kimi.stream(request)) {
      ChatCompletion done =
          stream.forEachText(
              text -> {
                out.print(text);
                out.flush();
              });
      out.println();
      Usage usage = done.usage();
      if (usage != null) {
        out.println(
            "[usage] prompt "
                + usage.promptTokens()
                + ", completion "
                + usage.completionTokens()
                + (usage.reasoningTokens() == null
                    ? ""
                    : " (reasoning " + usage.reasoningTokens() + ")")
                + ", total "
                + usage.totalTokens()
                + " tokens; finish reason "
                + (done.finishReason() == null ? "none" : done.finishReason().value()));
      }
      stream
          .metadata()
          .flatMap(md -> md.requestId())
          .ifPresent(id -> out.println("[request id] " + id));
      return 0;
    } catch (KimiException e) {
      out.println();
      out.println("Kimi call failed: " + e.getMessage());
      return 1;
    }
  }
}
