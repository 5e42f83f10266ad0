package io.github.kimisdk.host;

import io.github.kimisdk.KimiAccount;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.Target;
import java.net.URI;
import java.util.Objects;

/**
 * Which target of a client's fallback chain answered a response ({@link Target}): its place in the
 * chain, its host and the model asked of it, as a response's metadata names it ({@link
 * ResponseMetadata#servedBy()}) and so every reply, event and failure that carries the metadata.
 *
 * @param target the target's place in the chain: 0 for the client's own, then in the order {@link
 *     KimiClient.Builder#fallback} added them (as {@link KimiAccount#targets()} lists them)
 * @param host the host's name, such as {@code "moonshot"} or {@code "vllm"} ({@link Host#name()})
 * @param baseUrl the host's base URL
 * @param model the Kimi model the target asks for, or null when it asks for the request's own
 */
public record ServedBy(int target, String host, URI baseUrl, String model) {

  /**
   * Checks the components.
   *
   * @param target the target's place in the chain, from 0
   * @param host the host's name
   * @param baseUrl the host's base URL
   * @param model the model asked of it, or null
   * @throws IllegalArgumentException if {@code target} is negative
   * @throws NullPointerException if {@code host} or {@code baseUrl} is null
   */
  public ServedBy {
    if (target < 0) {
      throw new IllegalArgumentException("target must not be negative: " + target);
    }
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(baseUrl, "baseUrl");
  }

  /**
   * Returns the target as it prints in a log line: its place, host, base URL and, when it names
   * one, its model (a target that asks for the request's own model prints none, not {@code
   * model=null}).
   *
   * @return the text
   */
  @Override
  public String toString() {
    String named = model == null ? "" : ", model=" + model;
    return "ServedBy[target=" + target + ", host=" + host + ", baseUrl=" + baseUrl + named + "]";
  }
}
