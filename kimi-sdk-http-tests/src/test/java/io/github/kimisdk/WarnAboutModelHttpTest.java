package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.lang.System.Logger.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link KimiClient#warnAboutModel}: a framework that knows its model at start-up has the client
 * warn about a retired or unknown id then, and the client's calls with that id do not warn again,
 * so an application is told once.
 */
@ExtendWith(FakeKimiExtension.class)
class WarnAboutModelHttpTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "kimi-k2.6x, Model kimi-k2.6x is not in this client's model table",
    "moonshot-v1-8k, Model moonshot-v1-8k was retired on 2026-08-31"
  })
  void anIdWarnedAboutAtStartUpIsNotWarnedAboutAgainByTheCalls(
      String id, String warning, FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.addModel(ModelInfo.builder(id).build()); // served, so the calls succeed
    CapturingLogger log = new CapturingLogger(Level.WARNING);
    KimiClient kimi = clients.build(b -> b.logger(log));

    assertThat(kimi.warnAboutModel(id)).isTrue();
    assertThat(log.lines).singleElement().asString().startsWith(warning);

    ChatRequest request = ChatRequest.of(id, "hi");
    assertThat(kimi.chat(request).text()).isEqualTo("You said: hi");
    assertThat(kimi.chatAsync(request).join().text()).isEqualTo("You said: hi");
    assertThat(kimi.stream(request).toCompletion().text()).isEqualTo("You said: hi");
    assertThat(kimi.warnAboutModel(id)).isFalse();
    assertThat(log.lines).hasSize(1);
  }

  @Test
  void aCurrentIdIsNotWarnedAbout(FakeKimiExtension.Clients clients) {
    CapturingLogger log = new CapturingLogger(Level.WARNING);
    KimiClient kimi = clients.build(b -> b.logger(log));
    assertThat(kimi.warnAboutModel("kimi-k3")).isFalse();
    assertThat(log.lines).isEmpty();
  }

  @Test
  void aDerivedClientSharesTheWarningsAndAnotherClientWarnsOnItsOwn(
      FakeKimiExtension.Clients clients) {
    CapturingLogger log = new CapturingLogger(Level.WARNING);
    KimiClient kimi = clients.build(b -> b.logger(log));
    kimi.warnAboutModel("kimi-k2.6x");
    KimiClient derived = kimi.withOptions(RequestOptions.builder().header("X-Tenant", "a").build());
    catchThrowable(() -> derived.chat(ChatRequest.of("kimi-k2.6x", "hi"))); // 404 on the fake
    assertThat(derived.warnAboutModel("kimi-k2.6x")).isFalse();
    assertThat(log.lines).hasSize(1);

    CapturingLogger other = new CapturingLogger(Level.WARNING);
    KimiClient second = clients.build(b -> b.logger(other));
    catchThrowable(() -> second.chat(ChatRequest.of("kimi-k2.6x", "hi")));
    assertThat(other.lines).singleElement().asString().contains("kimi-k2.6x");
  }
}
