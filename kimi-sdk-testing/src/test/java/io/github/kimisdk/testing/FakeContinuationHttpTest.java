package io.github.kimisdk.testing;

import static io.github.kimisdk.testing.FakeDialectHttpTest.chat;
import static io.github.kimisdk.testing.FakeDialectHttpTest.k3;
import static io.github.kimisdk.testing.FakeDialectHttpTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A reply continued, as each host reads it ({@link FakeContinuation}): the form that continues, and
 * what the model does with a form the host does not read (it answers anew, repeating its words).
 */
class FakeContinuationHttpTest {

  static final String USER = "alpha bravo charlie delta";
  static final String REPLY = "You said: " + USER;

  @RegisterExtension final DialectFakes fakes = new DialectFakes();

  /**
   * A call that ends with the assistant's {@code prefix}: {@code last} its members, {@code more}
   * the request's.
   */
  static String call(String dialect, String prefix, String last, String more) {
    return "{\"model\":\""
        + k3(dialect)
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + USER
        + "\"},{\"role\":\"assistant\",\"content\":\""
        + prefix
        + "\""
        + (last.isEmpty() ? "" : "," + last)
        + "}]"
        + (more.isEmpty() ? "" : "," + more)
        + "}";
  }

  static String content(FakeDialectHttpTest.Answer a) {
    return text(a.message().get("content"));
  }

  static JsonObject lastRead(FakeKimiServer server) {
    JsonArray messages = (JsonArray) server.takeRequest().asRead().orElseThrow().get("messages");
    return (JsonObject) messages.get(messages.size() - 1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "moonshot | \"partial\":true |",
        "vllm | | \"continue_final_message\":true,\"add_generation_prompt\":false",
        "sglang | | \"continue_final_message\":true",
        "openrouter | |",
      })
  void theHostsFormContinuesTheReplyWithoutRepeatingIt(String dialect, String last, String more)
      throws Exception {
    FakeKimiServer server = fakes.start(dialect);
    FakeDialectHttpTest.Answer a =
        chat(server, call(dialect, "You said: alpha", nul(last), nul(more)));

    assertThat(a.status()).isEqualTo(200);
    assertThat(content(a)).isEqualTo(" bravo charlie delta");
    JsonObject read = lastRead(server);
    assertThat(read.get("partial")).as("the model reads Kimi's form").isEqualTo(JsonBoolean.TRUE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"vllm", "sglang", "fireworks", "together"})
  void moonshotsPartialIsNotReadElsewhere(String dialect) throws Exception {
    FakeKimiServer server = fakes.start(dialect);
    String last = dialect.equals("fireworks") ? "" : "\"partial\":true";
    FakeDialectHttpTest.Answer a = chat(server, call(dialect, "You said: alpha", last, ""));

    assertThat(a.status()).isEqualTo(200);
    JsonObject read = lastRead(server);
    assertThat(read.has("partial")).isFalse();
    if (dialect.equals("sglang")) {
      // serving_chat.py _handle_last_assistant_message: the prefix reads as the user's words
      assertThat(read.get("role")).isEqualTo(JsonString.of("user"));
      assertThat(content(a)).isEqualTo("You said: You said: alpha");
    } else {
      assertThat(content(a)).as("the answer starts over, its words again").isEqualTo(REPLY);
    }
  }

  @Test
  void vllmRefusesBothFlagsInItsOwnWords() throws Exception {
    FakeKimiServer server = fakes.start("vllm");
    FakeDialectHttpTest.Answer a =
        chat(
            server,
            call(
                "vllm",
                "You said:",
                "",
                "\"continue_final_message\":true,\"add_generation_prompt\":true"));

    assertThat(a.status()).isEqualTo(400);
    assertThat(text(a.json().get("error").asObject().get("message")))
        .isEqualTo("Cannot set both `continue_final_message` and `add_generation_prompt` to True.");
    assertThat(text(a.json().get("error").asObject().get("type"))).isEqualTo("BadRequestError");
  }

  @Test
  void fireworksStrictSchemaRefusesPartial() throws Exception {
    FakeDialectHttpTest.Answer a =
        chat(fakes.start("fireworks"), call("fireworks", "You said:", "\"partial\":true", ""));
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.body()).contains("Extra inputs are not permitted");
  }

  @Test
  void aContinuationStreamsOnlyTheRestAndItsPrefixIsCachedByTheReplicaThatServedIt()
      throws Exception {
    FakeKimiServer server = fakes.start("vllm");
    String system = FakePromptCacheHttpTest.LONG_SYSTEM;
    String first =
        "{\"model\":\"moonshotai/Kimi-K3\",\"messages\":[{\"role\":\"system\",\"content\":\""
            + system
            + "\"},{\"role\":\"user\",\"content\":\""
            + USER
            + "\"}],\"chat_template_kwargs\":{\"thinking\":false}}";
    assertThat(content(chat(server, first))).isEqualTo(REPLY);
    String continued =
        first.replace(
            "\"}],\"chat_template_kwargs\"",
            "\"},{\"role\":\"assistant\",\"content\":\"You said: alpha bravo\"}],"
                + "\"continue_final_message\":true,\"add_generation_prompt\":false,"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"chat_template_kwargs\"");
    FakeDialectHttpTest.Answer a = chat(server, continued);

    StringBuilder streamed = new StringBuilder();
    a.deltas().forEach(d -> streamed.append(d.has("content") ? text(d.get("content")) : ""));
    assertThat(streamed.toString()).isEqualTo(" charlie delta");
    JsonObject usage = a.chunks().get(a.chunks().size() - 1).get("usage").asObject();
    assertThat(usage.get("prompt_tokens_details").asObject().get("cached_tokens").asLong())
        .as("the first call's messages, cached where they were served")
        .isPositive();
  }

  @Test
  void aPrefixTheModelWouldNotHaveWrittenIsFollowedByItsWholeReply() throws Exception {
    FakeDialectHttpTest.Answer a =
        chat(fakes.start("moonshot"), call("moonshot", "Once upon a time", "\"partial\":true", ""));
    assertThat(content(a)).isEqualTo(REPLY);
  }

  private static String nul(String s) {
    return s == null ? "" : s;
  }
}
