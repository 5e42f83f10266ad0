package io.github.kimisdk;

import static io.github.kimisdk.ContinueCutStreamHttpTest.WORDS;
import static io.github.kimisdk.ContinueCutStreamHttpTest.ask;
import static io.github.kimisdk.ContinueCutStreamHttpTest.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.errors.TruncatedStreamException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code StreamException.resumeRequest()} continues a cut answer on every host that can, in the
 * host's own form ({@link Host.Continuation}, written by the client's {@code Dialect}), so the
 * caller reads each word once; against fakes that cut every second stream after 5 of its 12 chunks
 * and read each host's form as the host does.
 */
class ResumeOnEachHostHttpTest {

  private final List<FakeKimiServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(FakeKimiServer::close);
  }

  private FakeKimiServer fake(String dialect) {
    FakeKimiServer s = new FakeKimiServer().dialect(dialect).cutStreams(2, 5).start();
    servers.add(s);
    return s;
  }

  /** What the caller reads of ten streams, each cut one finished with its resume request. */
  private static List<String> tenStreams(KimiClient kimi, int[] resumed) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      try (ChatStream s = kimi.stream(ask(i))) {
        texts.add(s.toCompletion().text());
      } catch (TruncatedStreamException e) {
        resumed[0]++;
        try (ChatStream rest = kimi.stream(e.resumeRequest().orElseThrow())) {
          texts.add(e.partial().text() + rest.toCompletion().text());
        }
      }
    }
    return texts;
  }

  private static void eachWordOnce(List<String> texts) {
    for (int i = 0; i < texts.size(); i++) {
      assertThat(texts.get(i)).isEqualTo("You said: " + WORDS + " call" + i);
      List<String> words = Arrays.asList(texts.get(i).split(" "));
      Set<String> once = new HashSet<>(words);
      assertThat(once).as("each word once: %s", texts.get(i)).hasSameSizeAs(words);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"moonshot", "vllm", "sglang", "openrouter"})
  void tenStreamsEverySecondCutFinishWithTheExactTextEachWordOnce(String dialect) {
    FakeKimiServer server = fake(dialect);
    int[] resumed = {0};
    List<String> texts;
    try (KimiClient kimi =
        KimiClient.builder().apiKey("sk-t").host(host(dialect, server.baseUrl())).build()) {
      texts = tenStreams(kimi, resumed);
    }
    assertThat(resumed[0]).as("cut, and finished by the caller's resume").isEqualTo(5);
    assertThat(server.cutStreamCount()).isEqualTo(5);
    eachWordOnce(texts);
  }

  @Test
  void vllmIsSentItsOwnFormAndNoPartial() {
    FakeKimiServer vllm = fake("vllm");
    int[] resumed = {0};
    try (KimiClient kimi = KimiClient.builder().host(Host.vllm(vllm.baseUrl())).build()) {
      tenStreams(kimi, resumed);
    }
    List<RecordedRequest> resumes = new ArrayList<>();
    for (RecordedRequest r : vllm.requests()) {
      if (r.json().asObject().has("continue_final_message")) {
        resumes.add(r);
      }
    }
    assertThat(resumes).hasSize(5);
    for (RecordedRequest r : resumes) {
      JsonObject body = r.json().asObject();
      assertThat(body.get("continue_final_message")).isEqualTo(JsonBoolean.TRUE);
      assertThat(body.get("add_generation_prompt")).isEqualTo(JsonBoolean.FALSE);
      JsonArray messages = (JsonArray) body.get("messages");
      assertThat(((JsonObject) messages.get(messages.size() - 1)).has("partial")).isFalse();
    }
  }

  @Test
  void moonshotsFormOnVllmStartsTheAnswerOverAndRepeatsItsWords() {
    FakeKimiServer vllm = fake("vllm");
    int[] resumed = {0};
    List<String> texts;
    try (KimiClient kimi =
        KimiClient.builder()
            .host(Host.vllm(vllm.baseUrl()).withContinuation(Host.Continuation.PARTIAL))
            .build()) {
      texts = tenStreams(kimi, resumed);
    }
    assertThat(texts.get(1))
        .as("what resumeRequest() sent to every host before: vLLM does not read partial")
        .isEqualTo("You said: one two three" + "You said: " + WORDS + " call1");
  }

  @Test
  void aResumeThatFallsBackIsWrittenInTheFallbackTargetsForm() {
    FakeKimiServer moonshot = new FakeKimiServer().cutStreams(1, 5).start();
    FakeKimiServer vllm = new FakeKimiServer().dialect("vllm").start();
    servers.add(moonshot);
    servers.add(vllm);
    // the first target is overloaded for the continuation: it moves to vLLM
    moonshot.respondWith(
        r ->
            r.bodyText().contains("\"partial\":true")
                ? io.github.kimisdk.testing.FakeResponse.error(
                    429, "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"busy\"}}")
                : null);
    String text;
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-a")
            .host(Host.moonshot(Endpoint.of(moonshot.baseUrl())))
            .fallback(Target.of(Host.vllm(vllm.baseUrl())))
            .build()) {
      TruncatedStreamException cut =
          (TruncatedStreamException) catchThrowable(() -> kimi.stream(ask(0)).toCompletion());
      try (ChatStream rest = kimi.stream(cut.resumeRequest().orElseThrow())) {
        text = cut.partial().text() + rest.toCompletion().text();
        assertThat(rest.metadata().orElseThrow().servedBy().target()).isEqualTo(1);
      }
    }
    eachWordOnce(List.of(text));
    assertThat(vllm.requests()).hasSize(1);
    JsonObject sent = vllm.requests().get(0).json().asObject();
    assertThat(sent.get("continue_final_message")).isEqualTo(JsonBoolean.TRUE);
    assertThat(sent.get("add_generation_prompt")).isEqualTo(JsonBoolean.FALSE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"together", "fireworks"})
  void aHostThatCannotContinueRefusesTheResumeBeforeSendingNamingItself(String dialect) {
    FakeKimiServer server = fake(dialect);
    Function<Host, KimiClient> client = h -> KimiClient.builder().apiKey("sk-t").host(h).build();
    try (KimiClient kimi = client.apply(host(dialect, server.baseUrl()))) {
      StreamException cut = null;
      for (int i = 0; i < 2 && cut == null; i++) {
        try (ChatStream s = kimi.stream(ask(i))) {
          s.toCompletion();
        } catch (StreamException e) {
          cut = e;
        }
      }
      assertThat(cut).as("the second stream is cut").isNotNull();
      int sent = server.requestCount();
      ChatRequest resume = cut.resumeRequest().orElseThrow();
      assertThat(catchThrowable(() -> kimi.stream(resume).toCompletion()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("partial assistant message")
          .hasMessageContaining(dialect)
          .hasMessageContaining("start the answer over");
      assertThat(server.requestCount()).as("nothing sent").isEqualTo(sent);
    }
  }
}
