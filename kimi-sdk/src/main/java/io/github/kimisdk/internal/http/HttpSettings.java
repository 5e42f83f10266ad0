package io.github.kimisdk.internal.http;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.sse.SseLimits;
import java.net.http.HttpClient;
import java.util.Map;

/**
 * The client's frozen settings as the transport and its error factory read them, by name: the
 * client's {@code ClientConfig} is one, so nothing copies a setting from one to the other.
 */
public interface HttpSettings {

  /**
   * Returns the key, the one holder every sender and redactor asks.
   *
   * @return the key
   */
  ApiKey apiKey();

  /**
   * Returns the endpoint, already moved to the protocol's surface.
   *
   * @return the endpoint
   */
  Endpoint endpoint();

  /**
   * Returns the client's wire protocol: its authentication, and whether it serves the platform.
   *
   * @return the protocol
   */
  WireProtocol wireProtocol();

  /**
   * Returns the timeouts: the response headers' bound of each exchange, the body idle watch, and
   * what failure messages name.
   *
   * @return the timeouts
   */
  Timeouts timeouts();

  /**
   * Returns the User-Agent header, also named by the hints of Kimi Code's refusals.
   *
   * @return the User-Agent
   */
  String userAgent();

  /**
   * Returns the extra headers of every request, in their order.
   *
   * @return the headers
   */
  Map<String, String> headers();

  /**
   * Returns the largest non-streamed body accepted.
   *
   * @return the limit in bytes
   */
  long maxResponseBytes();

  /**
   * Returns the limits of event streams.
   *
   * @return the limits
   */
  SseLimits sseLimits();

  /**
   * Returns the HTTP version to force.
   *
   * @return the version, or null for HTTP/1.1 on cleartext and the client's default over TLS
   */
  HttpClient.Version httpVersion();

  /**
   * Returns the nesting limit of decoded bodies and events.
   *
   * @return the limit
   */
  int maxJsonDepth();

  /**
   * Tells whether request and response bodies are logged.
   *
   * @return true to log bodies
   */
  boolean logMessageContents();

  /**
   * Returns the request size limit.
   *
   * @return the limit in bytes; 0 none, -1 Kimi Code's on Kimi Code and none elsewhere
   */
  long maxRequestBytes();

  /**
   * Returns the models, whose closest id is suggested when Kimi does not know one.
   *
   * @return the table
   */
  ModelCatalog catalog();

  /**
   * Returns the fallback target whose calls this transport sends, which every response's metadata
   * names ({@link ResponseMetadata#servedBy()}).
   *
   * @return the target, or null for a client without fallback targets
   */
  default ServedBy target() {
    return null;
  }

  /**
   * Returns how failures name the host that answered, when it is not Moonshot's own API: its name
   * and address, and its place in a fallback chain, such as {@code "vLLM at vllm.internal:8000
   * (target 1, kimi-k3)"}, so that an error from a team's own server is not read as Kimi's.
   *
   * @return the host's label, or null for Moonshot's API, whose failures keep Kimi's words
   */
  default String hostLabel() {
    return null;
  }
}
