package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A request Kimi would take and do nothing with never reaches the server: a field of the extra body
 * on Moonshot's API, {@code thinking} on kimi-k3.1-pro, a {@code reasoning_effort} level the model
 * does not list; each is refused before sending, for a chat, an async chat and a stream alike, with
 * the rule and the model named, and the fake records no request. Marked deliberate on the client,
 * the same request is sent as it is, and the fake, as Moonshot, takes the field and ignores it.
 */
@ExtendWith(FakeKimiExtension.class)
class IgnoredFieldsHttpTest {

  static ChatRequest seeded(String model) {
    return ChatRequest.builder(model)
        .addUser("one two three")
        .extraBody("seed", JsonNumber.of(7))
        .build();
  }

  @Test
  void anExtraBodyFieldMoonshotIgnoresIsRefusedBeforeAnythingIsSent(
      FakeKimiServer server, KimiClient kimi) {
    assertThatThrownBy(() -> kimi.chat(seeded("kimi-k3")))
        .isInstanceOf(PreflightException.class)
        .hasMessage(
            "Request for kimi-k3 not sent: Moonshot's API (host moonshot) takes no top-level field"
                + " \"seed\" and ignores it, so kimi-k3 would answer, and bill, as if it were not"
                + " sent (rule ignored-field); leave it out, or mark \"seed\" deliberate"
                + " (KimiClient.Builder.deliberateFields) if a relay or a newer Kimi reads it");
    Throwable async = catchThrowable(() -> kimi.chatAsync(seeded("kimi-k3")).join());
    assertThat(async).isInstanceOf(CompletionException.class);
    assertThat(async.getCause()).isInstanceOf(PreflightException.class);
    ChatRequest streamed = seeded("kimi-k3");
    assertThatThrownBy(() -> kimi.stream(streamed).toCompletion())
        .isInstanceOf(PreflightException.class)
        .hasMessageContaining("(rule ignored-field)");
    assertThat(server.requestCount()).as("nothing reached the server").isZero();
  }

  @Test
  void theSameFieldMarkedDeliberateIsSentAsItIs(
      FakeKimiServer server, KimiClient kimi, FakeKimiExtension.Clients clients) {
    ChatCompletion plain = kimi.chat(ChatRequest.of("kimi-k3", "one two three"));
    server.takeRequest();
    KimiClient marked = clients.build(b -> b.deliberateFields("seed", "x_team"));
    assertThat(marked.deliberateFields()).containsExactlyInAnyOrder("seed", "x_team");
    ChatRequest both =
        seeded("kimi-k3").toBuilder().extraBody("x_team", JsonString.of("search")).build();
    ChatCompletion reply = marked.chat(both);
    RecordedRequest sent = server.takeRequest();
    JsonObject body = (JsonObject) sent.json();
    assertThat(body.get("seed")).isEqualTo(JsonNumber.of(7));
    assertThat(body.get("x_team")).isEqualTo(JsonString.of("search"));
    // as Moonshot does: taken, ignored, the same answer
    assertThat(sent.ignoredFields()).containsExactly("seed", "x_team");
    assertThat(reply.text()).isEqualTo(plain.text());
    // a stream too
    marked.stream(both).toCompletion();
    assertThat(((JsonObject) server.takeRequest().json()).get("seed")).isEqualTo(JsonNumber.of(7));
  }

  @Test
  void thinkingOnK31IsRefusedAndSentWhenMarked(
      FakeKimiServer server, KimiClient kimi, FakeKimiExtension.Clients clients) {
    ChatRequest off =
        ChatRequest.builder("kimi-k3.1-pro").addUser("Hi").thinking(Thinking.disabled()).build();
    assertThatThrownBy(() -> kimi.chat(off))
        .isInstanceOf(PreflightException.class)
        .hasMessageStartingWith(
            "Request for kimi-k3.1-pro not sent: kimi-k3.1-pro takes no thinking field and ignores"
                + " one (rule ignored-field)");
    assertThat(server.requestCount()).isZero();
    KimiClient marked = clients.build(b -> b.deliberateFields("thinking"));
    ChatCompletion reply = marked.chat(off);
    assertThat(reply.choices().get(0).message().reasoningContent()).isNotEmpty();
    RecordedRequest sent = server.takeRequest();
    assertThat(((JsonObject) sent.json()).get("thinking").toString())
        .isEqualTo("{\"type\":\"disabled\"}");
    assertThat(sent.ignoredFields()).containsExactly("thinking");
    // its effort is the top-level reasoning_effort, sent unmarked
    kimi.chat(ChatRequest.builder("kimi-k3.1-pro").addUser("Hi").reasoningEffort("low").build());
    assertThat(server.takeRequest().ignoredFields()).isEmpty();
  }

  @Test
  void anEffortLevelTheModelDoesNotListIsRefusedAndSentWhenMarked(
      FakeKimiServer server, KimiClient kimi, FakeKimiExtension.Clients clients) {
    ChatRequest medium =
        ChatRequest.builder("kimi-k3").addUser("Hi").reasoningEffort("medium").build();
    assertThatThrownBy(() -> kimi.chat(medium))
        .isInstanceOf(PreflightException.class)
        .hasMessageContaining(
            "kimi-k3 accepts reasoning_effort low, high, max: \"medium\"; Moonshot ignores a level"
                + " the model does not list and reasons at its default, max (rule"
                + " unlisted-effort)");
    assertThat(server.requestCount()).isZero();
    clients.build(b -> b.deliberateFields("reasoning_effort")).chat(medium);
    RecordedRequest sent = server.takeRequest();
    assertThat(((JsonObject) sent.json()).get("reasoning_effort"))
        .isEqualTo(JsonString.of("medium"));
    assertThat(sent.ignoredFields()).containsExactly("reasoning_effort");
  }

  @Test
  void everyProblemIsNamedInOneRefusal(FakeKimiServer server, KimiClient kimi) {
    ChatRequest all =
        seeded("kimi-k3.1-pro").toBuilder()
            .thinking(Thinking.enabled())
            .reasoningEffort("medium")
            .build();
    PreflightException e = (PreflightException) catchThrowable(() -> kimi.chat(all));
    assertThat(e.problems())
        .hasSize(3)
        .anyMatch(p -> p.contains("takes no thinking field"))
        .anyMatch(p -> p.contains("(rule unlisted-effort)"))
        .anyMatch(p -> p.contains("\"seed\""));
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void theClientListsWhatACallWouldBeRefusedForWithoutSendingIt(
      FakeKimiServer server, KimiClient kimi, FakeKimiExtension.Clients clients) {
    ChatRequest all = seeded("kimi-k3.1-pro").toBuilder().thinking(Thinking.disabled()).build();
    PreflightException e = (PreflightException) catchThrowable(() -> kimi.chat(all));
    assertThat(kimi.problems(all)).isEqualTo(e.problems()).hasSize(2);
    assertThat(clients.build(b -> b.deliberateFields("seed")).problems(all))
        .singleElement()
        .asString()
        .contains("takes no thinking field");
    assertThat(clients.build(b -> b.deliberateFields("seed", "thinking")).problems(all)).isEmpty();
    assertThat(clients.build(b -> b.modelChecks(false)).problems(all)).isEmpty();
    assertThat(kimi.problems(ChatRequest.of("kimi-k3", "hi"))).isEmpty();
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void aFallbackOnMoonshotsApiIsCheckedBeforeTheFirstTargetIsCalled(FakeKimiServer server) {
    server.dialect("vllm");
    try (FakeKimiServer moonshot = new FakeKimiServer().start()) {
      KimiClient chain =
          KimiClient.builder()
              .host(Host.vllm(server.baseUrl()))
              .fallback(
                  Target.of(Host.moonshot(Endpoint.of(moonshot.baseUrl())))
                      .apiKey(FakeKimiExtension.KEY))
              .build();
      try (chain) {
        assertThatThrownBy(() -> chain.chat(seeded("kimi-k3")))
            .isInstanceOf(PreflightException.class)
            .hasMessageContaining("(rule ignored-field)");
        assertThat(server.requestCount() + moonshot.requestCount()).isZero();
      }
      // vLLM alone judges its own fields: sent
      try (KimiClient vllm = KimiClient.builder().host(Host.vllm(server.baseUrl())).build()) {
        vllm.chat(seeded("kimi-k3"));
        assertThat(((JsonObject) server.takeRequest().json()).get("seed"))
            .isEqualTo(JsonNumber.of(7));
      }
    }
  }

  @Test
  void theModelChecksOffSendEverythingAsItIs(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    clients.build(b -> b.modelChecks(false)).chat(seeded("kimi-k3"));
    assertThat(server.takeRequest().ignoredFields()).containsExactly("seed");
  }

  @Test
  void overAnotherWireTheExtraBodyIsThatWiresOwn(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient messages =
        clients.build(b -> FakeSuite.over(b, server, WireProtocol.ANTHROPIC_MESSAGES));
    messages.chat(
        ChatRequest.builder("kimi-k3").addUser("Hi").extraBody("top_k", JsonNumber.of(20)).build());
    assertThat(((JsonObject) server.takeRequest().json()).get("top_k"))
        .isEqualTo(JsonNumber.of(20));
  }
}
