package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The tests' redis-server starter: a port taken between being found free and redis-server binding
 * it is left for fresh ones, and a server that ends for any other reason says what it printed.
 */
class RedisServerTest {

  private static final String READY = "Ready to accept connections";

  @Test
  void aPortTakenBeforeRedisBindsItIsLeftForFreshOnes() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Integer> tried = new ArrayList<>();
      try (RedisServer r =
          RedisServer.startOnFreePorts(
              1,
              ports -> {
                int port = tried.isEmpty() ? taken.getLocalPort() : ports[0];
                tried.add(port);
                return new RedisServer(port, List.of(), READY);
              })) {
        assertThat(tried).hasSize(2).first().isEqualTo(taken.getLocalPort());
        assertThat(r.port()).isEqualTo(tried.get(1));
        assertThat(r.running()).isTrue();
        assertThat(r.cli("ping").trim()).isEqualTo("PONG");
      }
    }
  }

  @Test
  void aServerThatEndsForAnotherReasonSaysWhatItPrintedAndIsNotTriedAgain() {
    List<Integer> tried = new ArrayList<>();
    assertThatThrownBy(
            () ->
                RedisServer.startOnFreePorts(
                    1,
                    ports -> {
                      tried.add(ports[0]);
                      return new RedisServer(ports[0], List.of("--no-such-directive", "x"), READY);
                    }))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(RedisServer.PortTaken.class)
        .hasMessageContaining("ended before it was ready")
        .hasMessageContaining("no-such-directive");
    assertThat(tried).hasSize(1);
  }

  @Test
  void aClusterNodesPortsAreDistinct() throws Exception {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int[] ports = RedisServer.freePorts(2);
      assertThat(ports[0]).isNotEqualTo(ports[1]);
      seen.add(ports[0]);
    }
    assertThat(seen).hasSizeGreaterThan(1);
  }
}
