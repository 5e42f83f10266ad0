package io.github.kimisdk.langchain4j;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.langchain4j.internal.Slf4jLogger;
import io.github.kimisdk.model.SamplingPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The client settings the module's builders share, named as LangChain4j's providers name them:
 * either an existing client, or the settings of one the builder makes. The client a builder makes
 * logs through SLF4J (logger {@value KimiClient#LOGGER_NAME}), as the rest of a LangChain4j
 * application does; {@code logRequests} and {@code logResponses} put its lines at {@code INFO}.
 */
final class ClientSettings {

  /** The core's advice for a missing key, which names its own builder. */
  private static final String CORE_ADVICE = "KimiClient.builder().apiKey(...)";

  /** The type whose builder these are, such as {@code KimiChatModel}, for messages. */
  private final String owner;

  KimiClient client;
  String apiKey;
  Supplier<String> apiKeySupplier; // the later of apiKey(..) and apiKey(Supplier) wins
  String baseUrl;
  Host host;

  /** The targets added after the client's own, in order: fallbacks and replicas. */
  final List<Added> targets = new ArrayList<>();

  Integer weight; // the client's own target's, among its replicas
  Duration timeout;
  Integer maxRetries;
  RetryPolicy retryPolicy;
  Boolean logRequests;
  Boolean logResponses;
  SamplingPolicy samplingPolicy;
  List<String> deliberateFields;

  /**
   * Creates the settings of a builder.
   *
   * @param owner the simple name of the type the builder builds, such as {@code KimiChatModel}
   */
  ClientSettings(String owner) {
    this.owner = owner;
  }

  /** The client: the given one, or one built from these settings. */
  KimiClient resolve() {
    if (client != null) {
      List<String> conflicts = new ArrayList<>();
      add(conflicts, "apiKey", apiKey != null ? apiKey : apiKeySupplier);
      add(conflicts, "baseUrl", baseUrl);
      add(conflicts, "host", host);
      add(conflicts, "fallback", targets.stream().anyMatch(t -> !t.replica()) ? targets : null);
      add(conflicts, "replica", targets.stream().anyMatch(Added::replica) ? targets : null);
      add(conflicts, "weight", weight);
      add(conflicts, "timeout", timeout);
      add(conflicts, "maxRetries", maxRetries);
      add(conflicts, "retryPolicy", retryPolicy);
      add(conflicts, "logRequests", logRequests);
      add(conflicts, "logResponses", logResponses);
      add(conflicts, "samplingPolicy", samplingPolicy);
      add(conflicts, "deliberateFields", deliberateFields);
      if (!conflicts.isEmpty()) {
        throw new IllegalStateException(
            "client(..) brings its own settings; set "
                + String.join(", ", conflicts)
                + " on the KimiClient's builder instead");
      }
      return client;
    }
    KimiClient.Builder b = KimiClient.builder();
    if (apiKeySupplier != null) {
      b.apiKey(apiKeySupplier);
    } else if (apiKey != null) {
      b.apiKey(apiKey);
    } else {
      fromEnv(b);
    }
    if (host != null) {
      b.host(baseUrl == null ? host : host.withBaseUrl(baseUrl));
    } else if (baseUrl != null) {
      b.baseUrl(baseUrl);
    }
    for (Added t : targets) {
      if (t.replica()) {
        b.replica(t.target());
      } else {
        b.fallback(t.target());
      }
    }
    if (weight != null) {
      b.weight(weight);
    }
    if (timeout != null) {
      b.timeouts(
          Timeouts.defaults()
              .withResponseHeaders(timeout)
              .withFirstEvent(timeout)
              .withStreamIdle(timeout));
    }
    if (retryPolicy != null || maxRetries != null) {
      RetryPolicy policy = retryPolicy == null ? RetryPolicy.defaults() : retryPolicy;
      b.retryPolicy(maxRetries == null ? policy : policy.withMaxRetries(maxRetries));
    }
    boolean requests = Boolean.TRUE.equals(logRequests);
    boolean responses = Boolean.TRUE.equals(logResponses);
    if (requests || responses) {
      b.logMessageContents(true);
    }
    b.logger(new Slf4jLogger(LoggerFactory.getLogger(KimiClient.LOGGER_NAME), requests, responses));
    if (samplingPolicy != null) {
      b.samplingPolicy(samplingPolicy);
    }
    if (deliberateFields != null) {
      b.deliberateFields(deliberateFields.toArray(String[]::new));
    }
    return b.build();
  }

  /**
   * A target added to the chain: the next fallback, or a replica that shares the load of the one
   * before it.
   */
  record Added(Target target, boolean replica) {}

  /** Whether a streamed reply is logged whole when it ends (the SDK logs none of its chunks). */
  boolean logsStreamedResponses() {
    return client == null && Boolean.TRUE.equals(logResponses);
  }

  /**
   * Reads the key from the environment; without one, the core's message advises the builder the
   * user wrote ({@code KimiChatModel.builder().apiKey(...)}), not the core's own.
   */
  private void fromEnv(KimiClient.Builder b) {
    try {
      b.fromEnv();
    } catch (ConfigurationException e) {
      String message = e.getMessage();
      if (message == null || !message.contains(CORE_ADVICE)) {
        throw e;
      }
      throw new ConfigurationException(
          message.replace(CORE_ADVICE, owner + ".builder().apiKey(...)"), e.getCause());
    }
  }

  private static void add(List<String> names, String name, Object value) {
    if (value != null) {
      names.add(name);
    }
  }
}
