package io.github.kimisdk.hostcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.host.access.Probes;
import io.github.kimisdk.testing.FakeKimiServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The core's door to a client's targets, as the host check goes through it. */
class ProbesTest {

  @Test
  void theDoorTakesAClientAlone() {
    assertThatThrownBy(
            () ->
                Probes.verify(
                    "a client?",
                    "kimi-k3",
                    Duration.ofSeconds(1),
                    p -> CompletableFuture.completedFuture(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a KimiClient: java.lang.String");
  }

  @Test
  void aDoorOpenedLaterIsIgnored() throws Exception {
    try (FakeKimiServer f = new FakeKimiServer().start();
        KimiClient kimi = KimiClient.builder().apiKey("sk-door").baseUrl(f.baseUrl()).build()) {
      Probes.open(
          (client, model, bound, check) -> {
            throw new AssertionError("a second door was taken");
          });
      List<String> hosts =
          Probes.verify(
                  kimi,
                  "kimi-k3",
                  Duration.ofSeconds(5),
                  p -> CompletableFuture.completedFuture(p.host().name() + " " + p.sendsKey()))
              .get();
      assertThat(hosts).containsExactly("moonshot true");
    }
  }

  @Test
  void aBlankModelOrAClosedClientIsRefusedBeforeAnythingIsSent() {
    try (FakeKimiServer f = new FakeKimiServer().start()) {
      KimiClient kimi = KimiClient.builder().apiKey("sk-door").baseUrl(f.baseUrl()).build();
      assertThatThrownBy(() -> HostCheck.verify(kimi, " "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("model must not be blank");
      kimi.close();
      assertThatThrownBy(() -> HostCheck.verify(kimi, "kimi-k3"))
          .isInstanceOf(IllegalStateException.class);
      assertThat(f.requests()).isEmpty();
    }
  }
}
