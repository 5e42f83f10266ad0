package io.github.kimisdk.internal.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatCompletionChunk.ChunkChoice;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.json.JsonObject;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rules of a cut stream's continuation: when it may go on (a table, one row per rule), the
 * request that continues it, and the seam that joins the continuing attempt's chunks to the
 * caller's stream.
 */
class ContinuingTest {

  private static final ChatRequest PLAIN = ChatRequest.builder("kimi-k3").addUser("hi").build();

  private static Continuing continuing(ChatRequest request, Host host) {
    return new Continuing(
        request,
        Continuing::resume,
        t -> host,
        t -> new ServedBy(t, host.name(), URI.create("http://h"), null));
  }

  private static ChatCompletionChunk delta(Delta d) {
    return new ChatCompletionChunk(
        "c", 1, "kimi-k3", List.of(new ChunkChoice(0, d, null, null)), null, null);
  }

  private static ChatCompletion seen(String text, String reasoning, boolean toolCall) {
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(delta(new Delta("assistant", null, null, List.of())));
    if (reasoning != null) {
      acc.add(delta(new Delta(null, null, reasoning, List.of())));
    }
    if (text != null) {
      acc.add(delta(new Delta(null, text, null, List.of())));
    }
    if (toolCall) {
      acc.add(
          delta(
              new Delta(
                  null,
                  null,
                  null,
                  List.of(
                      new ChatCompletionChunk.ToolCallDelta(0, "call_1", "function", "f", "{")))));
    }
    return acc.toCompletion();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "text on a Moonshot host                  | moonshot | text   | -      | -        |",
        "text on vLLM                             | vllm     | text   | -      | -        |",
        "nothing but the role yet                 | moonshot | -      | -      | -        |",
        "reasoning, then text                     | moonshot | text   | thinks | -        |",
        "a host with no continuation              | together | text   | -      | -        |"
            + " documents no way to continue an answer",
        "reasoning cut before the answer          | moonshot | -      | thinks | -        |"
            + " its reasoning was cut before the answer began",
        "a tool call begun                        | moonshot | text   | -      | tool     |"
            + " a tool call had begun",
        "structured output, a JSON object         | moonshot | text   | -      | json     |"
            + " response_format json_object",
        "structured output, a schema              | moonshot | text   | -      | schema   |"
            + " response_format json_schema",
        "several choices                          | moonshot | text   | -      | n        |"
            + " asks for 2 choices (n)",
      })
  void aCutStreamGoesOnUnlessARuleSaysWhyNot(
      String rule, String host, String text, String reasoning, String shape, String why) {
    Host h =
        host.equals("moonshot")
            ? Host.moonshot(io.github.kimisdk.Endpoint.of("http://h"))
            : Host.of(host, "http://h");
    ChatRequest.Builder b = PLAIN.toBuilder();
    switch (shape) {
      case "json" -> b.responseFormat(ResponseFormat.jsonObject());
      case "schema" -> b.responseFormat(ResponseFormat.jsonSchema("s", JsonObject.of()));
      case "n" -> b.n(2);
      default -> {}
    }
    ChatCompletion seen =
        seen(
            text.equals("-") ? null : "Hello",
            reasoning.equals("-") ? null : "Let me think",
            shape.equals("tool"));
    String refusal = continuing(b.build(), h).refusal(seen, 0);
    if (why == null) {
      assertThat(refusal).as(rule).isNull();
    } else {
      assertThat(refusal).as(rule).contains(why.trim());
    }
  }

  @Test
  void theContinuingRequestEndsWithWhatTheCallerSawAsAPartialAnswer() {
    ChatRequest r = continuing(PLAIN, Host.vllm("http://h")).request(seen("Hello", null, false));
    AssistantMessage last = (AssistantMessage) r.messages().get(r.messages().size() - 1);
    assertThat(last.partial()).isTrue();
    assertThat(last.content()).isEqualTo("Hello");
    assertThat(r.messages()).hasSize(2);
  }

  @Test
  void aContinuingAttemptsRoleAndReasoningAreNotSaidAgain() {
    assertThat(Continuing.joined(delta(new Delta("assistant", "", null, List.of()))))
        .as("a role chunk with nothing else")
        .isNull();
    assertThat(Continuing.joined(delta(new Delta(null, null, "again", List.of())))).isNull();
    ChatCompletionChunk first =
        Continuing.joined(delta(new Delta("assistant", " world", null, List.of())));
    assertThat(first.choices())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.delta().role()).isNull();
              assertThat(c.delta().content()).isEqualTo(" world");
            });
    ChatCompletionChunk plain = delta(new Delta(null, "!", null, List.of()));
    assertThat(Continuing.joined(plain)).as("a plain chunk passes as it is").isSameAs(plain);
  }

  @Test
  void aContinuingAttemptsFinishAndUsageReachTheCaller() {
    Usage u = new Usage(10, 5, 15, null, null);
    ChatCompletionChunk finishing =
        new ChatCompletionChunk(
            "c",
            1,
            "kimi-k3",
            List.of(new ChunkChoice(0, Delta.EMPTY, FinishReason.STOP, u)),
            null,
            null);
    assertThat(Continuing.joined(finishing)).isSameAs(finishing);
    ChatCompletionChunk usageOnly = new ChatCompletionChunk("c", 1, "kimi-k3", List.of(), u, null);
    assertThat(Continuing.joined(usageOnly)).isSameAs(usageOnly);
  }
}
