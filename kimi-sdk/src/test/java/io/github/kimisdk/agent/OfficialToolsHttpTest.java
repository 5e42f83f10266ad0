package io.github.kimisdk.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.NotFoundException;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.Tool;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Formulas and Kimi Code's search and fetch as tools of a {@link ToolRunner}, against the fake. */
class OfficialToolsHttpTest {

  private final FakeKimiServer server = new FakeKimiServer().start();
  private final KimiClient kimi =
      KimiClient.builder()
          .apiKey("sk-test-0123456789abcdef")
          .baseUrl(server.baseUrl())
          .retryPolicy(RetryPolicy.none())
          .build();

  @AfterEach
  void stop() {
    kimi.close();
    server.close();
  }

  @Test
  void aFormulasToolsAreDeclaredAndTheModelsCallsRunAsFibers() {
    ToolRunner runner = ToolRunner.builder(kimi).formula("moonshot/base64:latest").build();
    assertThat(runner.tools())
        .extracting(Tool::name)
        .containsExactly("base64_encode", "base64_decode");
    ToolRunner.Result result =
        runner.run(ChatRequest.of("kimi-k3", "Use base64_encode data=hello"));
    List<ToolMessage> answers =
        result.newMessages().stream()
            .filter(m -> m instanceof ToolMessage)
            .map(m -> (ToolMessage) m)
            .toList();
    assertThat(answers).hasSize(1);
    assertThat(answers.get(0).content()).isEqualTo("aGVsbG8=");
    List<String> paths = server.requests().stream().map(RecordedRequest::path).toList();
    assertThat(paths)
        .contains(
            "/v1/formulas/moonshot/base64:latest/tools",
            "/v1/formulas/moonshot/base64:latest/fibers");
    RecordedRequest fiber =
        server.requests().stream()
            .filter(r -> r.path().endsWith("/fibers"))
            .findFirst()
            .orElseThrow();
    assertThat(fiber.bodyText())
        .isEqualTo("{\"name\":\"base64_encode\",\"arguments\":\"{\\\"data\\\":\\\"hello\\\"}\"}");
  }

  @Test
  void aFailedFiberIsHandedBackToTheModelAsAnError() {
    ToolRunner runner = ToolRunner.builder(kimi).formula("moonshot/base64:latest").build();
    ToolRunner.Result result = runner.run(ChatRequest.of("kimi-k3", "Use base64_decode data=%%%"));
    ToolMessage answer =
        result.newMessages().stream()
            .filter(m -> m instanceof ToolMessage)
            .map(m -> (ToolMessage) m)
            .findFirst()
            .orElseThrow();
    assertThat(answer.content()).contains("failed to run base64_decode").contains("invalid base64");
  }

  @Test
  void anUnknownFormulaIsRefusedWhenTheRunnerIsBuilt() {
    assertThatThrownBy(() -> ToolRunner.builder(kimi).formula("moonshot/nope:latest"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> ToolRunner.builder(kimi).formula("../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void kimiCodeSearchAndFetchRunAsTools() {
    ToolRunner runner = ToolRunner.builder(kimi).kimiCodeSearch().kimiCodeFetch().build();
    ToolRunner.Result result =
        runner.run(
            ChatRequest.of(
                "kimi-k3", "search_web query=java then fetch_url url=https://example.com/1"));
    List<String> answers =
        result.newMessages().stream()
            .filter(m -> m instanceof ToolMessage)
            .map(m -> ((ToolMessage) m).content())
            .toList();
    assertThat(answers).hasSize(2);
    assertThat(answers.get(0)).contains("\"url\":\"https://example.com/1\"");
    assertThat(answers.get(1)).contains("main content of https://example.com/1");
  }
}
