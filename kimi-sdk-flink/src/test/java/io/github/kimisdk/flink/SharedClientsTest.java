package io.github.kimisdk.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class SharedClientsTest {

  private static ModelSettings settings(String key) {
    return ModelSettings.of(
        Configuration.fromMap(
            Map.of("model", "kimi-k3", "api-key", key, "endpoint", "http://127.0.0.1:1/v1")));
  }

  @Test
  void subtasksOfOneEndpointAndKeyShareOneClientClosedWithTheLast() {
    ModelSettings one = settings("sk-shared-1");
    int before = SharedClients.open();

    KimiClient first = SharedClients.acquire(one);
    KimiClient second = SharedClients.acquire(settings("sk-shared-1"));
    KimiClient other = SharedClients.acquire(settings("sk-shared-2"));

    assertThat(second).isSameAs(first);
    assertThat(other).isNotSameAs(first);
    assertThat(SharedClients.holders(one)).isEqualTo(2);
    assertThat(SharedClients.open()).isEqualTo(before + 2);

    SharedClients.release(one);
    assertThat(SharedClients.holders(one)).isEqualTo(1);
    SharedClients.release(one);
    assertThat(SharedClients.holders(one)).isZero();
    assertThat(SharedClients.acquire(one)).isNotSameAs(first); // closed, so built anew
    SharedClients.release(one);
    SharedClients.release(settings("sk-shared-2"));
    assertThat(SharedClients.open()).isEqualTo(before);
  }

  @Test
  void aReleaseWithoutAHoldChangesNothing() {
    ModelSettings s = settings("sk-never-acquired");
    SharedClients.release(s);
    assertThat(SharedClients.holders(s)).isZero();
  }
}
