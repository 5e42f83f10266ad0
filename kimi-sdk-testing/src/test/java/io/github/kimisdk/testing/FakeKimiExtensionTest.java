package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link FakeKimiExtension} as a user's test meets it: a started server and a client on it by
 * parameter, shared with {@code @BeforeEach}, new for each test, and closed after it (checked once
 * every test ran: no server a test was given still answers).
 */
@ExtendWith(FakeKimiExtension.class)
class FakeKimiExtensionTest {

  static final List<String> BASE_URLS = new CopyOnWriteArrayList<>();

  FakeKimiServer before;

  @BeforeEach
  void remember(FakeKimiServer server) {
    before = server;
    BASE_URLS.add(server.baseUrl());
  }

  @Test
  void givesAStartedServerAndAClientOnIt(FakeKimiServer server, KimiClient kimi) {
    assertThat(server).isSameAs(before);
    server.enqueue(FakeResponse.reply("Take an umbrella."));
    assertThat(kimi.chat(ChatRequest.of("kimi-k3", "Umbrella?")).text())
        .isEqualTo("Take an umbrella.");
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.header("Authorization")).hasValue("Bearer " + FakeKimiExtension.KEY);
  }

  @Test
  void givesOneClientPerTestAndMakesMoreOnTheSameServer(
      KimiClient kimi, KimiClient again, FakeKimiExtension.Clients clients) {
    assertThat(again).isSameAs(kimi);
    KimiClient other = clients.build(b -> b.header("User-Agent", "other/1"));
    assertThat(other).isNotSameAs(kimi);
    assertThat(other.chat(ChatRequest.of("kimi-k3", "hi")).text()).isEqualTo("You said: hi");
    assertThat(before.takeRequest().header("User-Agent"))
        .hasValueSatisfying(ua -> assertThat(ua).startsWith("other/1"));
  }

  @Test
  void eachTestHasItsOwnServer(FakeKimiServer server) {
    assertThat(server.requestCount()).isZero();
    assertThat(BASE_URLS).doesNotHaveDuplicates();
  }

  @AfterAll
  static void everyServerIsClosedAfterItsTest() throws Exception {
    assertThat(BASE_URLS).hasSize(3);
    for (String url : BASE_URLS) {
      assertThatThrownBy(() -> FakeKimiServerOptionsHttpTest.chat(url, "k"))
          .as("%s still answers after its test", url)
          .isInstanceOf(ConnectException.class);
    }
  }
}
