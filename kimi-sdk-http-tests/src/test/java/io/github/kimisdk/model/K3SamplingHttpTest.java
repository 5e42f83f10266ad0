package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kimi-k3's temperature follows its thinking mode, as Moonshot's vendor verifier demands: 1.0 with
 * thinking, 0.6 without, in the client's model checks, in {@link SamplingPolicy#ADAPT} and in the
 * fake, streamed and not.
 */
@ExtendWith(FakeKimiExtension.class)
class K3SamplingHttpTest {

  static ChatRequest k3(Thinking thinking, double temperature) {
    return ChatRequest.builder("kimi-k3")
        .addUser("Say 'OK' and nothing else.")
        .thinking(thinking)
        .temperature(temperature)
        .build();
  }

  @Test
  void k3WithoutThinkingTakesTemperatureZeroPointSixOverTheWire(
      FakeKimiServer server, KimiClient kimi, FakeKimiExtension.Clients clients) {
    ChatRequest cool = k3(Thinking.disabled(), 0.6);
    assertThat(kimi.chat(cool).text()).isNotEmpty();
    assertThat(server.takeRequest().bodyText()).contains("\"temperature\":0.6");
    assertThat(kimi.stream(cool).toCompletion().text()).isNotEmpty();
    assertThat(server.takeRequest().bodyText()).contains("\"temperature\":0.6");
    assertThat(kimi.chat(k3(Thinking.enabled(), 1.0)).text()).isNotEmpty();
    server.takeRequest();

    // each mode refuses the other's value, before sending and at the fake
    assertThat(catchThrowable(() -> kimi.chat(k3(Thinking.disabled(), 1.0))))
        .isInstanceOf(PreflightException.class)
        .hasMessageContaining("kimi-k3 accepts only temperature 0.6 with thinking off: 1.0");
    assertThat(catchThrowable(() -> kimi.chat(k3(Thinking.enabled(), 0.6))))
        .isInstanceOf(PreflightException.class)
        .hasMessageContaining("kimi-k3 accepts only temperature 1.0 with thinking on: 0.6");
    assertThat(server.requestCount()).isEqualTo(3);
    KimiClient unchecked = clients.build(b -> b.modelChecks(false).retryPolicy(RetryPolicy.none()));
    assertThat(catchThrowable(() -> unchecked.chat(k3(Thinking.disabled(), 1.0))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("only 0.6 is allowed for this model");
    assertThat(catchThrowable(() -> unchecked.stream(k3(Thinking.enabled(), 0.6)).toCompletion()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("only 1 is allowed for this model");
  }

  @Test
  void adaptingKeepsTheTemperatureThatFitsTheThinkingModeAndDropsTheOther(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient adapting = clients.build(b -> b.samplingPolicy(SamplingPolicy.ADAPT));
    Object[][] cases = {
      {Thinking.disabled(), 0.6, true},
      {Thinking.disabled(), 1.0, false},
      {Thinking.disabled(), 0.3, false},
      {Thinking.enabled(), 1.0, true},
      {Thinking.enabled(), 0.6, false},
    };
    for (Object[] c : cases) {
      ChatRequest r = k3((Thinking) c[0], (double) c[1]);
      assertThat(adapting.chat(r).text()).isNotEmpty();
      String sent = server.takeRequest().bodyText();
      if ((boolean) c[2]) {
        assertThat(sent).as("%s %s", c[0], c[1]).contains("\"temperature\":" + c[1]);
      } else {
        assertThat(sent).as("%s %s", c[0], c[1]).doesNotContain("temperature");
      }
    }
  }
}
