package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.catalog.ModelCatalog;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.catalog.ModelType;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.model.ListedModel;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.model.ModelInfo.ThinkingSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The models a Kimi key can use, as a LangChain4j {@link ModelCatalog}: Kimi's {@code GET /models},
 * each entry with the facts of the SDK's model table where the server leaves them out (the client's
 * {@link KimiClient#catalog()} updated with what the server states). A model's name is the id to
 * pass to {@code modelName(..)}; its type is {@link ModelType#CHAT} (Kimi lists chat models);
 * {@code maxInputTokens} is the context window, {@code maxOutputTokens} the most a reply may
 * generate; the description says whether it thinks, which efforts it takes, whether it reads images
 * and video and calls tools.
 *
 * <pre>{@code
 * ModelCatalog catalog = KimiModelCatalog.builder()
 *     .apiKey(System.getenv("MOONSHOT_API_KEY"))
 *     .build();
 * for (ModelDescription m : catalog.listModels()) {
 *   System.out.println(m.name() + ": " + m.maxInputTokens() + " tokens");
 * }
 * }</pre>
 *
 * <p>Each {@link #listModels()} asks the server once. Failures are LangChain4j's exceptions, as
 * {@link KimiChatModel}'s are. Instances are immutable and thread-safe.
 */
public final class KimiModelCatalog implements ModelCatalog {

  private final KimiClient client;

  private KimiModelCatalog(Builder builder) {
    this.client = builder.settings.resolve();
  }

  /**
   * Starts a builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Lists the models the key can use, in the server's order.
   *
   * @return the models
   * @throws dev.langchain4j.exception.LangChain4jException for a failed call, by its kind
   */
  @Override
  public List<ModelDescription> listModels() {
    List<ListedModel> listed;
    try {
      listed = client.models().list();
    } catch (RuntimeException e) {
      throw io.github.kimisdk.langchain4j.internal.Errors.map(e);
    }
    io.github.kimisdk.model.ModelCatalog facts = client.catalog().updated(listed);
    List<ModelDescription> out = new ArrayList<>(listed.size());
    for (ListedModel m : listed) {
      out.add(describe(m, facts.lookup(m.id())));
    }
    return out;
  }

  /**
   * Returns {@link ModelProvider#OTHER}: LangChain4j names no Moonshot provider.
   *
   * @return the provider
   */
  @Override
  public ModelProvider provider() {
    return ModelProvider.OTHER;
  }

  /**
   * Returns the client the catalog asks through.
   *
   * @return the client
   */
  public KimiClient client() {
    return client;
  }

  static ModelDescription describe(ListedModel m, ModelInfo info) {
    String display =
        m.displayName() == null || m.displayName().isBlank() ? m.id() : m.displayName();
    return ModelDescription.builder()
        .name(m.id())
        .displayName(display)
        .description(description(info))
        .provider(ModelProvider.OTHER)
        .type(ModelType.CHAT)
        .maxInputTokens(info.windowKnown() ? info.contextWindow() : null)
        .maxOutputTokens(info.known() && info.maxOutput() > 0 ? info.maxOutput() : null)
        .createdAt(m.created() > 0 ? Instant.ofEpochSecond(m.created()) : null)
        .owner(m.ownedBy())
        .build();
  }

  /** What the model does, in a sentence: "Thinks always (efforts low, high); reads images; ...". */
  static String description(ModelInfo info) {
    List<String> parts = new ArrayList<>();
    ThinkingSupport thinking = info.thinking();
    String thinks =
        thinking == ThinkingSupport.ALWAYS
            ? "thinks always"
            : thinking == ThinkingSupport.SWITCHABLE
                ? "thinks unless told not to"
                : "does not think";
    if (!info.efforts().isEmpty()) {
      thinks += " (efforts " + String.join(", ", info.efforts()) + ")";
    }
    parts.add(thinks);
    if (info.vision()) {
      parts.add(info.video() ? "reads images and video" : "reads images");
    }
    parts.add(info.toolUse() ? "calls tools" : "calls no tools");
    if (info.windowKnown()) {
      parts.add(String.format(java.util.Locale.ROOT, "%,d-token context", info.contextWindow()));
    }
    String s = String.join("; ", parts);
    return Character.toUpperCase(s.charAt(0)) + s.substring(1) + ".";
  }

  /**
   * Builds a {@link KimiModelCatalog}: an existing {@code client}, or the settings of one of its
   * own (without an API key, the client reads {@code MOONSHOT_API_KEY}, {@code KIMI_API_KEY} or
   * {@code KIMI_CODING_API_KEY}).
   */
  public static final class Builder {

    private final ClientSettings settings = new ClientSettings("KimiModelCatalog");

    private Builder() {}

    /**
     * Uses an existing client, with its key, endpoint and model table; it cannot be combined with
     * the other settings.
     *
     * @param client the client; the catalog does not close it
     * @return this builder
     */
    public Builder client(KimiClient client) {
      settings.client = client;
      return this;
    }

    /**
     * Sets the API key of the catalog's own client.
     *
     * @param apiKey the key; without one the client reads it from the environment
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      settings.apiKey = apiKey;
      settings.apiKeySupplier = null;
      return this;
    }

    /**
     * Sets where the API key of the catalog's own client comes from when it changes, asked before
     * every attempt (see {@code KimiChatModel.Builder.apiKey(Supplier)}).
     *
     * @param apiKey supplies the key; thread-safe
     * @return this builder
     */
    public Builder apiKey(Supplier<String> apiKey) {
      settings.apiKeySupplier = Objects.requireNonNull(apiKey, "apiKey");
      settings.apiKey = null;
      return this;
    }

    /**
     * Sets the base URL of the catalog's own client, such as {@code https://api.moonshot.cn/v1}.
     *
     * @param baseUrl the base URL; the default is Kimi's global platform
     * @return this builder
     */
    public Builder baseUrl(String baseUrl) {
      settings.baseUrl = baseUrl;
      return this;
    }

    /**
     * Lists the models of {@code host} (its {@code GET /models}, with the catalog's key): a vLLM or
     * SGLang of the team's, OpenRouter, Kimi Code, ... With {@code baseUrl} too, the host is at
     * that base URL. A host lists its models by its own ids (such as {@code moonshotai/Kimi-K3}),
     * and the catalog lists them so, with what the host states about each; a chat model takes
     * either id.
     *
     * @param host the host; null for Moonshot's
     * @return this builder
     */
    public Builder host(Host host) {
      settings.host = host;
      return this;
    }

    /**
     * Sets how long the catalog's own client waits for a response.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      settings.timeout = timeout;
      return this;
    }

    /**
     * Sets how often the catalog's own client retries a failed call; 0 sends it once.
     *
     * @param maxRetries the retries
     * @return this builder
     */
    public Builder maxRetries(Integer maxRetries) {
      settings.maxRetries = maxRetries;
      return this;
    }

    /**
     * Builds the catalog.
     *
     * @return the catalog
     * @throws IllegalStateException if {@code client(..)} is combined with client settings
     */
    public KimiModelCatalog build() {
      return new KimiModelCatalog(this);
    }
  }
}
