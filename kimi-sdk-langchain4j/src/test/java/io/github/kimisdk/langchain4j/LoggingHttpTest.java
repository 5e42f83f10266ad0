package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.testing.FakeKimiServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * {@code logRequests(true)} and {@code logResponses(true)} print through SLF4J at {@code INFO},
 * where a LangChain4j application's log goes (here {@link RecordingSlf4j}, enabled from {@code
 * INFO} up as an application usually is), on the logger {@value KimiClient#LOGGER_NAME}; the API
 * key never appears, not even with the SDK's log switch writing the headers.
 */
class LoggingHttpTest {

  private static final String KEY = "sk-logging-test-key-0123456789abcdef";

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterEach
  void close() {
    RecordingSlf4j.stop();
    server.close();
  }

  private KimiChatModel.Builder chat() {
    return KimiChatModel.builder()
        .apiKey(KEY)
        .baseUrl(server.baseUrl())
        .maxRetries(0)
        .modelName("kimi-k3");
  }

  private static List<String> info(List<RecordingSlf4j.Line> lines) {
    return lines.stream()
        .filter(l -> l.logger().equals(KimiClient.LOGGER_NAME) && l.level() == Level.INFO)
        .map(RecordingSlf4j.Line::message)
        .toList();
  }

  @Test
  void requestsAndResponsesAreLoggedAtInfoThroughSlf4j() {
    KimiChatModel model = chat().logRequests(true).logResponses(true).build();
    RecordingSlf4j.capture();
    model.chat("Hello from the logging test");
    List<RecordingSlf4j.Line> lines = RecordingSlf4j.stop();

    assertThat(info(lines))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("POST " + server.baseUrl() + "/chat/completions attempt 1")
                    .contains(" request body: ")
                    .contains("Hello from the logging test"))
        .anySatisfy(
            l -> assertThat(l).contains(" response body: ").contains("You said: Hello from"))
        .anySatisfy(l -> assertThat(l).contains("-> HTTP 200 request-id="));
    assertThat(lines).noneSatisfy(l -> assertThat(l.message()).contains(KEY));
  }

  @Test
  void logRequestsAloneLogsNoResponseBodyAndNeitherLogsNothingAtInfo() {
    KimiChatModel requestsOnly = chat().logRequests(true).build();
    KimiChatModel quiet = chat().build();

    RecordingSlf4j.capture();
    requestsOnly.chat("Only the request");
    List<String> requests = info(RecordingSlf4j.stop());
    RecordingSlf4j.capture();
    quiet.chat("Nothing at all");
    List<String> none = info(RecordingSlf4j.stop());

    assertThat(requests).anySatisfy(l -> assertThat(l).contains(" request body: "));
    assertThat(requests).noneSatisfy(l -> assertThat(l).contains(" response body: "));
    assertThat(none).isEmpty();
  }

  @Test
  void aStreamedReplyIsLoggedWholeWhenItEnds() throws Exception {
    KimiStreamingChatModel model =
        KimiStreamingChatModel.builder()
            .apiKey(KEY)
            .baseUrl(server.baseUrl())
            .maxRetries(0)
            .modelName("kimi-k3")
            .logResponses(true)
            .build();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    RecordingSlf4j.capture();
    model.chat("Stream me", FakeModels.completing(done));
    done.get(10, TimeUnit.SECONDS);
    List<RecordingSlf4j.Line> lines = RecordingSlf4j.stop();

    assertThat(info(lines))
        .anySatisfy(l -> assertThat(l).startsWith("streamed response: ").contains("Stream me"));
    assertThat(lines).noneSatisfy(l -> assertThat(l.message()).contains(KEY));
  }

  @Test
  void theKeyIsNotLoggedEvenWithTheHeadersTheSdksLogSwitchWrites() {
    String before = System.getProperty("kimi.log");
    System.setProperty("kimi.log", "debug");
    KimiChatModel model;
    try {
      model = chat().logRequests(true).logResponses(true).build();
    } finally {
      if (before == null) {
        System.clearProperty("kimi.log");
      } else {
        System.setProperty("kimi.log", before);
      }
    }
    RecordingSlf4j.capture();
    model.chat("Headers too");
    List<RecordingSlf4j.Line> lines = RecordingSlf4j.stop();

    assertThat(info(lines))
        .anySatisfy(
            l -> assertThat(l).contains(" request headers: ").contains("Bearer [redacted]"));
    assertThat(lines).noneSatisfy(l -> assertThat(l.message()).contains(KEY));
  }

  @Test
  void aRetiredOrUnknownModelIsWarnedAboutWhenBuiltNamingWhatToUseAndNothingIsRefused() {
    RecordingSlf4j.capture();
    chat().modelName("moonshot-v1-8k").build();
    KimiStreamingChatModel.builder().apiKey(KEY).modelName("kimi-k2.6x").build();
    chat().build(); // kimi-k3: current, nothing said
    List<RecordingSlf4j.Line> lines = RecordingSlf4j.stop();

    assertThat(warnings(lines))
        .satisfiesExactly(
            l ->
                assertThat(l)
                    .startsWith("Model moonshot-v1-8k was retired on 2026-08-31")
                    .contains("use kimi-k2.6 instead")
                    .endsWith("(logged once per client and model)"),
            l ->
                assertThat(l)
                    .startsWith("Model kimi-k2.6x is not in this client's model table")
                    .contains("did you mean kimi-k2.6?"));
  }

  @Test
  void anUnknownModelIsWarnedAboutOnceWhenBuiltAndNotAgainByItsCalls() throws Exception {
    server.addModel(ModelInfo.builder("kimi-k2.6x").build()); // served, so the calls succeed
    RecordingSlf4j.capture();
    KimiChatModel model = chat().modelName("kimi-k2.6x").build();
    List<String> atBuild = warnings(RecordingSlf4j.stop());
    RecordingSlf4j.capture();
    model.chat("Hi");
    model.chat("Hi again");
    KimiStreamingChatModel streaming =
        KimiStreamingChatModel.builder()
            .client(model.client()) // the same client: it warned already
            .modelName("kimi-k2.6x")
            .build();
    CompletableFuture<ChatResponse> streamed = new CompletableFuture<>();
    streaming.chat("Hi", FakeModels.completing(streamed));
    streamed.get(10, TimeUnit.SECONDS);
    List<String> later = warnings(RecordingSlf4j.stop());

    assertThat(atBuild).singleElement().asString().contains("Model kimi-k2.6x is not in");
    assertThat(later).isEmpty();
  }

  private static List<String> warnings(List<RecordingSlf4j.Line> lines) {
    return lines.stream()
        .filter(l -> l.level() == Level.WARN && l.logger().equals(KimiClient.LOGGER_NAME))
        .map(RecordingSlf4j.Line::message)
        .toList();
  }
}
