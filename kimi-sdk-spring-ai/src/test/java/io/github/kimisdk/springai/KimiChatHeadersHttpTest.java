package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.testing.FakeResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.client.ChatClient;

/** Headers per request: a request's options' headers, merged over the default options'. */
class KimiChatHeadersHttpTest {

  @RegisterExtension final FakeKimi kimi = new FakeKimi();

  @Test
  void eachRequestSendsTheHeaderItsOptionsComputed() {
    kimi.server.enqueue(FakeResponse.reply("one"));
    kimi.server.enqueue(FakeResponse.reply("two"));
    ChatClient chat = ChatClient.create(kimi.model());
    AtomicInteger requests = new AtomicInteger();

    for (int i = 0; i < 2; i++) {
      String traceId = "trace-" + requests.incrementAndGet();
      chat.prompt("Hello")
          .options(KimiChatOptions.builder().httpHeaders(Map.of("X-Trace-Id", traceId)))
          .call()
          .content();
    }

    assertThat(kimi.server.takeRequest().header("X-Trace-Id")).hasValue("trace-1");
    assertThat(kimi.server.takeRequest().header("X-Trace-Id")).hasValue("trace-2");
  }

  @Test
  void aRequestsHeadersAreAddedToTheDefaultOptionsAndReplaceOnesOfTheSameName() {
    kimi.server.enqueue(FakeResponse.reply("merged"));
    KimiChatModel model =
        KimiChatModel.builder()
            .kimiClient(kimi.client)
            .options(
                KimiChatOptions.builder()
                    .httpHeaders(Map.of("X-Team", "search", "X-Tenant", "default"))
                    .build())
            .build();

    ChatClient.create(model)
        .prompt("Hello")
        .options(KimiChatOptions.builder().httpHeaders(Map.of("x-tenant", "acme")))
        .call()
        .content();

    var sent = kimi.server.takeRequest();
    assertThat(sent.header("X-Team")).hasValue("search");
    assertThat(sent.header("X-Tenant")).hasValue("acme");
  }

  @Test
  void theKeysHeaderIsRefusedAndNothingIsSent() {
    ChatClient chat = ChatClient.create(kimi.model());

    assertThatThrownBy(
            () ->
                chat.prompt("Hello")
                    .options(
                        KimiChatOptions.builder().httpHeaders(Map.of("Authorization", "Bearer x")))
                    .call()
                    .content())
        .isInstanceOf(ConfigurationException.class);
    assertThat(kimi.server.requestCount()).isZero();
  }

  @Test
  void headerValuesAreNotPrinted() {
    KimiChatOptions o =
        KimiChatOptions.builder().httpHeaders(Map.of("X-Gateway-Token", "secret-value")).build();

    assertThat(o.toString()).contains("X-Gateway-Token").doesNotContain("secret-value");
    assertThat(o.mutate().build()).isEqualTo(o);
  }
}
