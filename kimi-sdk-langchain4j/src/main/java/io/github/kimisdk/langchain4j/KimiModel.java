package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What {@link KimiChatModel} and {@link KimiStreamingChatModel} share: the client, the request
 * defaults and the listeners, fixed when built.
 */
abstract class KimiModel {

  // read as fields by the subclasses' calls: a LangChain4j test spying on a model (Mockito) counts
  // every public method the model calls on itself as the caller's
  final KimiClient client;
  final KimiChatRequestParameters defaults;
  private final List<ChatModelListener> listeners;
  final boolean logsStreamedResponses;
  // evaluated per request; null when the builder was given none
  final Supplier<Map<String, String>> customHeaders;

  KimiModel(KimiModelBuilder<?> builder) {
    this.defaults = builder.resolvedParameters();
    this.listeners = builder.resolvedListeners();
    this.client = builder.resolvedClient();
    // a retired or unknown default model is told when built, on the client's logger, and once: the
    // client records it, so its first call with the model does not repeat it
    client.warnAboutModel(defaults.modelName());
    this.logsStreamedResponses = builder.settings.logsStreamedResponses();
    this.customHeaders = builder.customHeaders;
  }

  /**
   * Returns the client one request is sent with: {@code client} itself, or, when the model has
   * custom headers, a client derived from it ({@code KimiClient.withOptions}, no thread or
   * connection) that sends the headers {@code headers} gives for this request.
   */
  static KimiClient clientFor(KimiClient client, Supplier<Map<String, String>> headers) {
    if (headers == null) {
      return client;
    }
    Map<String, String> now = headers.get();
    return now == null || now.isEmpty()
        ? client
        : client.withOptions(RequestOptions.builder().headers(now).build());
  }

  /** A request's parameters over a model's defaults, unless LangChain4j merged them already. */
  static ChatRequestParameters merged(KimiChatRequestParameters defaults, ChatRequestParameters p) {
    return p instanceof KimiChatRequestParameters ? p : defaults.overrideWith(p);
  }

  /**
   * Returns the parameters every request starts from: the builder's, over its {@code
   * defaultRequestParameters}.
   *
   * @return the defaults
   */
  public KimiChatRequestParameters defaultRequestParameters() {
    return defaults;
  }

  /**
   * Returns the listeners that hear every request, response and error.
   *
   * @return the listeners, unmodifiable
   */
  public List<ChatModelListener> listeners() {
    return listeners;
  }

  /**
   * Returns {@link ModelProvider#OTHER}: LangChain4j names no Moonshot provider.
   *
   * @return the provider
   */
  public ModelProvider provider() {
    return ModelProvider.OTHER;
  }

  /**
   * Returns the capabilities beyond the common ones: JSON-schema response formats.
   *
   * @return the capabilities
   */
  public Set<Capability> supportedCapabilities() {
    return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
  }

  /**
   * Returns the client the model calls through.
   *
   * @return the client
   */
  public KimiClient client() {
    return client;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "[model="
        + defaults.modelName()
        + ", thinking="
        + defaults.thinking()
        + ", client="
        + client
        + "]";
  }
}
