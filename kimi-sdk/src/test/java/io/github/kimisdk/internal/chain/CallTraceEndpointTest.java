package io.github.kimisdk.internal.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * A call's endpoint ({@code CallEvent.Call.endpoint()}): the URI of its base and path, the query
 * dropped, and a path that is not legal quoted below the base (a base with a port included).
 */
class CallTraceEndpointTest {

  @Test
  void anEndpointIsItsBaseAndPathWithoutTheQuery() {
    URI base = URI.create("https://api.moonshot.ai/v1");
    assertThat(CallTrace.endpoint(base, "chat/completions"))
        .hasToString("https://api.moonshot.ai/v1/chat/completions");
    assertThat(CallTrace.endpoint(base, "/files?purpose=batch"))
        .hasToString("https://api.moonshot.ai/v1/files");
    assertThat(CallTrace.endpoint(URI.create("http://[::1]:8080/v1"), "models"))
        .hasToString("http://[::1]:8080/v1/models");
  }

  @Test
  void aPathThatIsNotALegalUriIsQuotedAndNotTakenForAnother() {
    URI base = URI.create("http://127.0.0.1:9/v1");
    URI quoted = CallTrace.endpoint(base, "files/a b");
    assertThat(quoted.getRawPath()).isEqualTo("/v1/files/a%20b");
    assertThat(CallTrace.endpoint(base, "files/a b")).isEqualTo(quoted);
    assertThat(CallTrace.endpoint(base, "files/ab").getRawPath()).isEqualTo("/v1/files/ab");
  }
}
