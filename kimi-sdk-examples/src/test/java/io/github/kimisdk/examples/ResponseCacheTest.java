package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {

  @Test
  void theRepeatedQuestionAndItsStreamAreAnsweredFromTheCacheWithOneRequestSent() {
    Captured c = new Captured();

    int status = ResponseCache.run(Map.of(), c.out);

    assertThat(status).as(c.text()).isZero();
    assertThat(c.text())
        .contains("(cache hits 0)")
        .contains("[call 2]")
        .contains("(cache hits 1)")
        .contains("[stream]")
        .contains("(cache hits 2)")
        .contains("[server] 1 request received");
  }
}
