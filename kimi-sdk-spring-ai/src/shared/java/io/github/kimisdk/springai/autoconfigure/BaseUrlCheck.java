package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.platform.PingResult;
import java.time.Duration;
import java.util.Optional;

/**
 * Tells at start-up whether a configured base URL without {@code /v1} is one its server serves no
 * API below. On Moonshot's and Kimi Code's hosts the SDK refuses such a URL itself when the client
 * is built; on any other host a path without {@code /v1} may be right (a gateway's own path, a
 * proxy serving at its root), so the server is asked once, for {@code GET /models}, which costs no
 * tokens: only a 404 is told, since then calls will most likely answer 404 too. A URL ending in
 * {@code /v1}, or one of the Anthropic-compatible surface, is not asked about.
 */
final class BaseUrlCheck {

  /** The longest the start waits for the answer; without one, nothing is said. */
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  private BaseUrlCheck() {}

  /**
   * Returns the warning about the client's base URL, set by {@code source} (a property or variable
   * name), or empty when there is nothing to say.
   */
  static Optional<String> warning(KimiClient client, String source) {
    Endpoint endpoint = client.endpoint();
    if (client.wireProtocol() == WireProtocol.ANTHROPIC_MESSAGES
        || endpoint.isGlobal()
        || endpoint.isChina()
        || endpoint.isKimiCode()
        || endpoint.uri().getRawPath().endsWith("/v1")) {
      return Optional.empty();
    }
    PingResult ping =
        client.withOptions(RequestOptions.builder().timeout(TIMEOUT).build()).account().ping();
    if (ping.status() != PingResult.Status.ERROR || ping.httpStatus() != 404) {
      return Optional.empty();
    }
    String said =
        ping.error() instanceof ApiException api && !api.serverMessage().isEmpty()
            ? " (\"" + api.serverMessage() + "\")"
            : "";
    return Optional.of(
        source
            + " "
            + endpoint.baseUrl()
            + " does not end in /v1, and GET "
            + endpoint.baseUrl()
            + "/models answered HTTP 404"
            + said
            + ": calls to it will most likely answer 404 too. Kimi's API is served below /v1, such"
            + " as "
            + Endpoint.GLOBAL.baseUrl()
            + " (a server that serves chat here and only lacks /models can ignore this)");
  }
}
