package io.github.kimisdk.examples;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Kimi's partial mode: first a prefilled reply (the model continues text you wrote), then a long
 * answer cut short by {@code max_completion_tokens} ({@code finish_reason: length}) and continued
 * by sending what arrived so far back as a partial assistant message, until it finishes.
 *
 * <p>Offline the fake is scripted with a small model that knows two answers and continues them from
 * any prefix, a few words per request.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.PartialMode
 * </pre>
 */
public final class PartialMode {

  static final String PREFILL_QUESTION = "Name three JVM languages as a numbered list.";
  static final String PREFILL = "1. Kotlin";
  static final String LONG_QUESTION = "Explain Java records in two sentences.";
  static final int TOKENS_PER_ROUND = 12;
  static final int MAX_ROUNDS = 8;

  private static final Map<String, String> SCRIPTED_ANSWERS =
      Map.of(
          PREFILL_QUESTION,
          "1. Kotlin\n2. Scala\n3. Clojure",
          LONG_QUESTION,
          "A Java record is a concise, immutable data carrier: you declare its components and the"
              + " compiler writes the constructor, accessors, equals, hashCode and toString. Use"
              + " one when a class is nothing more than its data, such as a point or a response.");

  private PartialMode() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(System.getenv(), System.out));
  }

  static int run(Map<String, String> env, PrintStream out) {
    try (ExampleSession session =
        ExampleSession.openWithoutResponses(
            env,
            out,
            ExampleSession.DEFAULT_MODEL,
            "the Responses wire has no prefill (a partial assistant message)")) {
      if (session.isOffline()) {
        session.server().respondWith(PartialMode::scripted);
        out.println("(offline: the fake is scripted to continue two canned answers)");
      }
      prefill(session, out);
      continueAfterLength(session, out);
      return 0;
    } catch (KimiException e) {
      out.println("Kimi call failed: " + e.getMessage());
      return 1;
    }
  }

  private static void prefill(ExampleSession session, PrintStream out) {
    out.println("== Prefill ==");
    out.println("> " + PREFILL_QUESTION);
    out.println("[prefill] " + PREFILL);
    ChatRequest request =
        ChatRequest.builder(session.model())
            .addUser(PREFILL_QUESTION)
            .addMessage(Message.partial(PREFILL))
            .thinking(ExampleSession.thinkingOffWherePossible(session.model()))
            .build();
    ChatCompletion done = session.kimi().chat(request);
    // The reply continues the prefill; it does not repeat it.
    out.println(PREFILL + done.text());
    out.println("[finish reason] " + ExampleSession.finish(done));
  }

  private static void continueAfterLength(ExampleSession session, PrintStream out) {
    out.println("== Continuing after finish_reason: length ==");
    out.println("> " + LONG_QUESTION + " (max_completion_tokens " + TOKENS_PER_ROUND + ")");
    StringBuilder answer = new StringBuilder();
    for (int round = 1; round <= MAX_ROUNDS; round++) {
      ChatRequest.Builder b =
          ChatRequest.builder(session.model())
              .addUser(LONG_QUESTION)
              .maxCompletionTokens(TOKENS_PER_ROUND)
              .thinking(ExampleSession.thinkingOffWherePossible(session.model()));
      if (answer.length() > 0) {
        b.addMessage(Message.partial(answer.toString()));
      }
      ChatCompletion done = session.kimi().chat(b.build());
      String piece = done.text() == null ? "" : done.text();
      answer.append(piece);
      out.println(
          "[round "
              + round
              + "] +"
              + piece.length()
              + " chars, finish reason "
              + ExampleSession.finish(done)
              + ": \""
              + piece.replace("\n", "\\n")
              + "\"");
      if (!FinishReason.LENGTH.equals(done.finishReason())) {
        break;
      }
    }
    out.println("[whole answer] " + answer);
  }

  /** The scripted offline model: continues a canned answer from the partial prefix. */
  static FakeResponse scripted(RecordedRequest request) {
    JsonObject body = (JsonObject) request.json();
    List<JsonValue> messages = ((JsonArray) body.get("messages")).values();
    String question = "";
    String prefix = "";
    for (JsonValue v : messages) {
      JsonObject m = (JsonObject) v;
      String role = ((JsonString) m.get("role")).value();
      String content = m.get("content") instanceof JsonString s ? s.value() : "";
      if (role.equals("user")) {
        question = content;
        prefix = "";
      } else if (role.equals("assistant")
          && m.get("partial") instanceof JsonBoolean p
          && p.value()) {
        prefix = content;
      }
    }
    String answer = SCRIPTED_ANSWERS.getOrDefault(question, "I only know two answers.");
    String rest = answer.startsWith(prefix) ? answer.substring(prefix.length()) : answer;
    int cap =
        body.get("max_completion_tokens") instanceof JsonNumber n
            ? n.intValue()
            : Integer.MAX_VALUE;
    // One "token" per word (with its leading space), as a rough stand-in for a tokenizer.
    int end = 0;
    int words = 0;
    while (end < rest.length() && words < cap) {
      int next = rest.indexOf(' ', end + 1);
      end = next < 0 ? rest.length() : next;
      words++;
    }
    String finish = end < rest.length() ? "length" : "stop";
    String model = ((JsonString) body.get("model")).value();
    return FakeResponse.json(
        ExampleSession.completionJson(model, rest.substring(0, end), finish, words));
  }
}
