package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each client's adapter against a real redis-server: scripts by digest, errors, outages. */
class RedisScriptsTest {

  private static final String INCR = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
  private static final List<String> KEY = List.of("kimi-rate:{org-scripts}:n");

  private RedisServer redis;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
  }

  @AfterEach
  void stop() {
    redis.close();
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void runsAScriptByItsDigestAndLoadsItAgainWhenRedisForgotIt(ClientKind kind) throws Exception {
    try (ClientKind.Connected c = kind.standalone(redis.port())) {
      assertThat(c.scripts().eval(INCR, sha1(INCR), KEY, List.of("2"))).isEqualTo(2);
      assertThat(redis.cli("script", "exists", sha1(INCR)).trim()).isEqualTo("1");
      assertThat(redis.cli("script", "flush").trim()).isEqualTo("OK");
      assertThat(c.scripts().eval(INCR, sha1(INCR), KEY, List.of("3"))).isEqualTo(5);
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void aScriptsErrorIsTheClientsOwnFailureNotAnOutage(ClientKind kind) throws Exception {
    try (ClientKind.Connected c = kind.standalone(redis.port())) {
      redis.cli("zadd", KEY.get(0), "1", "a"); // INCRBY on a sorted set: WRONGTYPE
      assertThatThrownBy(() -> c.scripts().eval(INCR, sha1(INCR), KEY, List.of("1")))
          .isNotInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("WRONGTYPE");
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void aStoppedRedisIsAnOutageThatSaysWhatTheClientSaid(ClientKind kind) throws Exception {
    try (ClientKind.Connected c = kind.standalone(redis.port())) {
      assertThat(c.scripts().eval(INCR, sha1(INCR), KEY, List.of("1"))).isEqualTo(1);
      redis.stop();
      assertThatThrownBy(() -> c.scripts().eval(INCR, sha1(INCR), KEY, List.of("1")))
          .isInstanceOf(RedisUnavailableException.class)
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .isEqualTo(
                          e.getCause() == null // Lettuce: the connection is down, nothing sent
                              ? "the Lettuce connection is not connected"
                              : e.getCause().getMessage()));
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void aReplicaWhoseMasterIsDownIsAnOutage(ClientKind kind) throws Exception {
    try (ClientKind.Connected c = kind.standalone(redis.port())) {
      assertThat(c.scripts().eval(INCR, sha1(INCR), KEY, List.of("1"))).isEqualTo(1);
      // a replica whose master is gone answers MASTERDOWN (replica-serve-stale-data no)
      redis.cli("config", "set", "replica-serve-stale-data", "no");
      redis.cli("replicaof", "127.0.0.1", Integer.toString(RedisServer.freePort()));
      assertThatThrownBy(() -> c.scripts().eval(INCR, sha1(INCR), KEY, List.of("1")))
          .isInstanceOf(RedisUnavailableException.class)
          .hasMessageStartingWith("MASTERDOWN");
    }
  }

  static String sha1(String script) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
  }
}
