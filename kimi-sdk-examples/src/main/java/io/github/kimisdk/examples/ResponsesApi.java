package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.errors.KimiException;
import java.io.PrintStream;
import java.util.Map;

/**
 * Kimi's Responses API ({@code POST /responses}) through the same calls as chat completions: a
 * client built with {@link WireProtocol#RESPONSES} sends {@code kimi.chat(...)} and {@code
 * kimi.stream(...)} there, and maps the reply back onto the same {@link ChatCompletion} and chunks.
 * Kimi keeps no state on that wire, so a second turn carries the whole {@link Conversation} again,
 * as it does on chat completions. Offline the fake serves the Responses wire.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ResponsesApi
 * </pre>
 */
public final class ResponsesApi {

  static final String DEFAULT_PROMPT = "Name three rivers in one line.";

  private ResponsesApi() {}

  /**
   * Runs the example.
   *
   * @param args the prompt words (optional)
   */
  public static void main(String[] args) {
    String prompt = args.length == 0 ? DEFAULT_PROMPT : String.join(" ", args);
    ExampleSession.exit(run(prompt, System.getenv(), System.out));
  }

  static int run(String prompt, Map<String, String> env, PrintStream out) {
    try (ExampleSession session =
        ExampleSession.openResponses(env, out, ExampleSession.DEFAULT_MODEL)) {
      KimiClient kimi = session.kimi();
      out.println("[wire] " + kimi.wireProtocol());
      Conversation chat = Conversation.create().addUser(prompt);
      out.println("> " + prompt);
      try {
        ChatCompletion first = kimi.chat(request(session, chat));
        out.println("[response] " + first.text());
        out.println(ExampleSession.usageLine(first.usage()));

        out.print("[streamed] ");
        try (ChatStream stream = kimi.stream(request(session, chat))) {
          for (ChatCompletionChunk chunk : stream) {
            out.print(chunk.text());
            out.flush();
          }
        }
        out.println();

        chat.addReply(first);
        String next = "And one more?";
        chat.addUser(next);
        out.println("> " + next);
        ChatCompletion second = kimi.chat(request(session, chat));
        out.println("[response] " + second.text());
        out.println("[history sent] " + chat.size() + " messages (the wire keeps no state)");
        return 0;
      } catch (KimiException e) {
        out.println();
        out.println("Kimi call failed: " + e.getMessage());
        return 1;
      }
    }
  }

  private static ChatRequest request(ExampleSession session, Conversation chat) {
    return chat.request(session.model())
        .thinking(ExampleSession.thinkingOffWherePossible(session.model()))
        .build();
  }
}
