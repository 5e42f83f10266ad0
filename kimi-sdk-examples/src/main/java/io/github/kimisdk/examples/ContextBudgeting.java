package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.ContextBudgetExceededException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.token.ContextBudget;
import io.github.kimisdk.token.KimiTokenizer;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.token.TokenEstimator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Fits a long conversation into a model's context window before sending it: estimates its tokens,
 * counts them exactly (with Kimi's vocabulary, when you have it, and by asking the server), shows
 * the preflight check refusing it without a round trip, then trims the oldest turns and sends what
 * fits.
 *
 * <p>It gives {@code kimi-k2.6} an 8,192 token window in the client's own model table, as for a
 * deployment (a proxy, a self-hosted model) with a smaller window than Kimi's, so that a generated
 * 60-turn conversation overflows it (moonshot-v1-8k, the small model Kimi once served, was retired
 * on 2026-08-31). Exact local counts need Kimi's {@code tiktoken.model} (not bundled): pass its
 * path in {@code KIMI_TOKENIZER_VOCAB} or as {@code --vocab PATH}; offline, the fake server then
 * counts exactly too.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ContextBudgeting
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ContextBudgeting -Dexec.args="--vocab /path/to/tiktoken.model"
 * </pre>
 */
public final class ContextBudgeting {

  /** The model, a current one. */
  static final String MODEL = "kimi-k2.6";

  /** The window the example's table gives the model: small, so a short demo overflows it. */
  static final int WINDOW = 8_192;

  static final int TURNS = 60;
  static final int OUTPUT = 1_000;
  static final String QUESTION = "Which colour did we pick for the front door in the end?";

  private ContextBudgeting() {}

  /**
   * Runs the example.
   *
   * @param args {@code --vocab PATH} (optional)
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(args, System.getenv(), System.out));
  }

  /** A long, generated conversation about renovating a house, ending with {@link #QUESTION}. */
  static ChatRequest longConversation() {
    String[] rooms = {"kitchen", "hall", "bathroom", "attic", "garden", "porch"};
    String[] colours = {"sage green", "ochre", "navy", "brick red", "cream", "slate grey"};
    ChatRequest.Builder b =
        ChatRequest.builder(MODEL)
            .addSystem("You keep the notes of a house renovation and answer from them.")
            .maxCompletionTokens(OUTPUT);
    for (int day = 1; day <= TURNS; day++) {
      String room = rooms[day % rooms.length];
      String colour = colours[(day * 7) % colours.length];
      b.addUser(
          "Day "
              + day
              + ": we worked on the "
              + room
              + ". The plasterer came at "
              + (7 + day % 3)
              + " o'clock, the old tiles went to the skip, and we argued again about the front"
              + " door; today's favourite is "
              + colour
              + ". Costs so far: "
              + (day * 412)
              + " euros. Please note the open questions about wiring, drainage and the window"
              + " frames, and remind me what the builder said about the damp in the "
              + room
              + ". The electrician comes on Thursday, and the skip must be gone by the weekend.");
      b.addMessage(
          Message.assistant(
              "Noted for day "
                  + day
                  + ": "
                  + room
                  + ", plasterer, tiles removed, door colour "
                  + colour
                  + ", "
                  + (day * 412)
                  + " euros spent. Open: wiring, drainage, window frames. The builder said the"
                  + " damp in the "
                  + room
                  + " needs a week to dry before painting."));
    }
    return b.addUser(QUESTION).build();
  }

  static int run(String[] args, Map<String, String> env, PrintStream out) {
    String vocab = env.getOrDefault(TokenCounting.VOCAB_VARIABLE, "");
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--vocab")) {
        vocab = args[i + 1];
      }
    }
    if (!vocab.isBlank() && ExampleSession.unreadable(Path.of(vocab)) != null) {
      out.println(ExampleSession.unreadable(Path.of(vocab)));
      return 2;
    }
    KimiTokenizer tokenizer = vocab.isBlank() ? null : KimiTokenizer.load(Path.of(vocab));
    try (ExampleSession session = ExampleSession.open(env, out, MODEL)) {
      if (session.isOffline() && tokenizer != null) {
        session.server().tokenizer(tokenizer); // the fake's countTokens becomes exact too
      }
      boolean messages = session.kimi().wireProtocol() == WireProtocol.ANTHROPIC_MESSAGES;
      if (messages) {
        out.println(
            "(Anthropic Messages serves chat only: step 2 asks the server's token count through a"
                + " second client on chat completions.)");
      }
      ModelCatalog catalog =
          ModelCatalog.defaults()
              .with(ModelCatalog.defaults().lookup(MODEL).withContextWindow(WINDOW));
      int window = catalog.lookup(MODEL).contextWindow();
      ChatRequest request = longConversation();
      int chars = 0;
      for (Message m : request.messages()) {
        chars += text(m).length();
      }
      out.printf(
          "Model %s: a window of %,d tokens (in this client's table; Kimi's is %,d). The"
              + " conversation: %d messages, about %,d characters, asking for %,d output tokens.%n",
          MODEL,
          window,
          ModelCatalog.defaults().lookup(MODEL).contextWindow(),
          request.messages().size(),
          chars,
          OUTPUT);

      out.println("\n== 1. Estimate (no vocabulary, no network) ==");
      int question = TokenEstimator.forKimi().estimate(QUESTION);
      RequestTokens.Count estimate = RequestTokens.estimated().count(request);
      out.printf("  the last question alone: %d tokens%n", question);
      out.printf(
          "  the whole request: %,d tokens = %,d text + %,d template + %,d media (estimated)%n",
          estimate.total(), estimate.text(), estimate.template(), estimate.media());

      out.println("\n== 2. Exact count ==");
      RequestTokens counter = RequestTokens.estimated();
      if (tokenizer == null) {
        out.println(
            "  locally: no vocabulary; set "
                + TokenCounting.VOCAB_VARIABLE
                + " or pass --vocab PATH (Kimi's tiktoken.model) to count exactly");
      } else {
        counter = RequestTokens.exact(tokenizer);
        RequestTokens.Count exact = counter.count(request);
        out.printf(
            "  locally with %s: %,d tokens = %,d text + %,d template (the estimate was %s)%n",
            vocab, exact.total(), exact.text(), exact.template(), off(estimate.total(), exact));
      }
      // token counting exists only on the chat-completions surface
      try (KimiClient counting =
          messages ? session.clientBuilder(WireProtocol.CHAT_COMPLETIONS).build() : null) {
        int server = (counting != null ? counting : session.kimi()).tokens().count(request);
        out.printf(
            "  by the server (POST /tokenizers/estimate-token-count): %,d tokens%s%n",
            server,
            session.isOffline()
                ? tokenizer == null
                    ? " (FakeKimiServer answers with the estimate)"
                    : " (FakeKimiServer counts with the same vocabulary)"
                : "");
      } catch (KimiException e) {
        out.println("  by the server: failed: " + e.getMessage());
      }

      out.println("\n== 3. Preflight: refused before anything is sent ==");
      ModelInfo model = catalog.lookup(MODEL);
      ContextBudget budget = ContextBudget.builder().counter(counter).build();
      ContextBudget.Check check = budget.check(request, model);
      out.printf(
          "  check: prompt %,d + output %,d = %,d tokens, window %,d: %s%n",
          check.promptTokens(),
          check.outputTokens(),
          check.promptTokens() + check.outputTokens(),
          check.contextWindow(),
          check.fits() ? "fits" : "does not fit");
      int before = session.isOffline() ? session.server().requestCount() : 0;
      try (KimiClient checking =
          session.clientBuilder().catalog(catalog).preflight(budget).build()) {
        checking.chat(request);
        out.println("  sent?! the preflight let it through");
      } catch (ContextBudgetExceededException e) {
        out.println(
            "  a client built with preflight(budget) throws " + e.getClass().getSimpleName());
        out.println("    " + e.getMessage());
        out.printf(
            "    over by %,d tokens; counted %s%n",
            e.excessTokens(), e.isExact() ? "exactly" : "by estimate");
      }
      if (session.isOffline()) {
        out.println(
            "  chat requests the server received: " + (session.server().requestCount() - before));
      }
      ChatRequest wrong = ChatRequest.builder("kimi-k2.6").addUser(QUESTION).topP(0.5).build();
      out.println(
          "  the model's rules are a check of their own (modelChecks): kimi-k2.6 with top_p 0.5 -> "
              + catalog.lookup("kimi-k2.6").problems(wrong));

      out.println("\n== 4. Trim the oldest turns, then send ==");
      ChatRequest trimmed = budget.trim(request, model);
      int kept = trimmed.messages().size();
      out.printf(
          "  trim: kept %d of %d messages: %s, then the turns from \"%s\" on%n",
          kept,
          request.messages().size(),
          trimmed.messages().get(0) instanceof SystemMessage
              ? "the system message"
              : "no system message",
          firstWords(trimmed.messages().get(1)));
      ContextBudget.Check after = budget.check(trimmed, model);
      out.printf(
          "  now: prompt %,d + output %,d = %,d of %,d: %s%n",
          after.promptTokens(),
          after.outputTokens(),
          after.promptTokens() + after.outputTokens(),
          after.contextWindow(),
          after.fits() ? "fits" : "does not fit");
      ChatRequest greedy = trimmed.toBuilder().maxCompletionTokens(window).build();
      ChatRequest clamped =
          ContextBudget.builder()
              .counter(counter)
              .clampOutput(true)
              .build()
              .preflight(greedy, model);
      out.printf(
          "  clampOutput(true) lowers a max_completion_tokens of %,d to %,d, what is left%n",
          greedy.maxCompletionTokens(), clamped.maxCompletionTokens());
      try {
        ChatCompletion reply = session.kimi().chat(budget.preflight(trimmed, model));
        out.println("  > " + QUESTION);
        out.println("  " + reply.text().strip().replace("\n", "\n  "));
        out.println(
            "  " + ExampleSession.usageLine(reply.usage()) + " (the server's count of the prompt)");
      } catch (KimiException e) {
        out.println("  sending failed: " + e.getMessage());
        return 1;
      }
      return 0;
    }
  }

  private static String off(int estimate, RequestTokens.Count exact) {
    int n = exact.total();
    long pct = n == 0 ? 0 : Math.round(100.0 * (estimate - n) / n);
    return (pct >= 0 ? "+" : "") + pct + "%";
  }

  private static String firstWords(Message m) {
    String text = text(m);
    return text.length() <= 20 ? text : text.substring(0, 20) + "...";
  }

  private static String text(Message m) {
    if (m instanceof UserMessage u) {
      return u.text();
    }
    if (m instanceof AssistantMessage a) {
      return a.text() == null ? "" : a.text();
    }
    if (m instanceof SystemMessage s) {
      return s.content();
    }
    return "";
  }
}
