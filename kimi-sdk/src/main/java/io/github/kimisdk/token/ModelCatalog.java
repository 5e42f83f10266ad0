package io.github.kimisdk.token;

import io.github.kimisdk.ListedModel;
import io.github.kimisdk.token.ModelInfo.FixedSampling;
import io.github.kimisdk.token.ModelInfo.ThinkingSupport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knows the context window, output limits and capabilities of Kimi's models. It starts with the
 * models Moonshot documents (below), takes your own entries ({@link #put(ModelInfo)}), and updates
 * itself from the server's model list ({@link #update(Collection)} with {@code kimi.listModels()}).
 * A model it does not know gets {@link ModelInfo#unknown(String) conservative defaults}, never an
 * error.
 *
 * <pre>{@code
 * ModelCatalog catalog = ModelCatalog.create();
 * catalog.lookup("kimi-k2.6").contextWindow();   // 262144
 * catalog.lookup("my-fine-tune").known();        // false: a 131,072 token window is assumed
 * catalog.update(kimi.listModels());             // windows and capabilities from GET /models
 * }</pre>
 *
 * <table>
 *   <caption>Built-in models (kimi-api.md section 6)</caption>
 *   <tr><th>model</th><th>window</th><th>default output</th><th>thinking</th><th>media</th>
 *       <th>fixed sampling</th></tr>
 *   <tr><td>moonshot-v1-8k, -32k, -128k, -auto</td><td>8,192 / 32,768 / 131,072 / 131,072</td>
 *       <td>1,024</td><td>none</td><td>-</td><td>-</td></tr>
 *   <tr><td>moonshot-v1-8k/32k/128k-vision-preview</td><td>as above</td><td>1,024</td>
 *       <td>none</td><td>image</td><td>-</td></tr>
 *   <tr><td>kimi-latest</td><td>131,072</td><td>1,024</td><td>none</td><td>image</td><td>-</td></tr>
 *   <tr><td>kimi-k2-0711-preview</td><td>131,072</td><td>1,024</td><td>none</td><td>-</td>
 *       <td>-</td></tr>
 *   <tr><td>kimi-k2-0905-preview, kimi-k2-turbo-preview</td><td>262,144</td><td>1,024</td>
 *       <td>none</td><td>-</td><td>-</td></tr>
 *   <tr><td>kimi-k2-thinking, kimi-k2-thinking-turbo</td><td>262,144</td><td>1,024</td>
 *       <td>always</td><td>-</td><td>-</td></tr>
 *   <tr><td>kimi-k2.5, kimi-k2.6</td><td>262,144</td><td>32,768</td><td>switchable</td>
 *       <td>image, video</td><td>temperature 1.0 thinking / 0.6 not, top_p 0.95, n 1,
 *       penalties 0; no forced tool_choice while thinking</td></tr>
 *   <tr><td>kimi-k2.7-code, kimi-k2.7-code-highspeed</td><td>262,144</td><td>32,768</td>
 *       <td>always</td><td>-</td><td>no forced tool_choice</td></tr>
 *   <tr><td>kimi-k3</td><td>1,048,576</td><td>131,072</td><td>always</td><td>-</td>
 *       <td>temperature 1</td></tr>
 *   <tr><td>kimi-for-coding, kimi-for-coding-highspeed (Kimi Code)</td><td>262,144</td>
 *       <td>32,768</td><td>always</td><td>image, video</td><td>-</td></tr>
 * </table>
 *
 * <p>Where Moonshot states no default output (everything but kimi-k2.5, k2.6 and k3) the table uses
 * the "such as 1024" of the chat docs, and 32,768 for the K2.x coding models; the maximum output is
 * the whole window, since Kimi limits output only by {@code window - prompt}. Capabilities that the
 * docs leave open (vision on kimi-k3 and kimi-k2.7-code) are off until {@link #update} says
 * otherwise.
 *
 * <p>Instances are thread-safe; updates are visible to later lookups.
 */
public final class ModelCatalog {

  private static final List<ModelInfo> BUILT_IN = builtIn();

  private final Map<String, ModelInfo> models = new ConcurrentHashMap<>();

  private ModelCatalog() {
    for (ModelInfo m : BUILT_IN) {
      models.put(m.id(), m);
    }
  }

  /**
   * Creates a catalog holding the built-in models; changes to it affect only this instance.
   *
   * @return a new catalog
   */
  public static ModelCatalog create() {
    return new ModelCatalog();
  }

  /**
   * Returns a shared catalog of the built-in models. It is modifiable: what you {@link #put} here
   * is seen by every user of the default catalog, including a client's preflight check built with
   * defaults. Use {@link #create()} for a private one.
   *
   * @return the shared catalog
   */
  public static ModelCatalog defaults() {
    return Shared.INSTANCE;
  }

  private static final class Shared {
    static final ModelCatalog INSTANCE = new ModelCatalog();
  }

  /**
   * Returns what is known about a model, or {@link ModelInfo#unknown(String)} for an id the catalog
   * does not hold.
   *
   * @param model the model id, compared exactly
   * @return the description, never null
   * @throws NullPointerException if {@code model} is null
   */
  public ModelInfo lookup(String model) {
    ModelInfo m = models.get(Objects.requireNonNull(model, "model"));
    return m != null ? m : ModelInfo.unknown(model);
  }

  /**
   * Returns what is known about a model, if the catalog holds it.
   *
   * @param model the model id
   * @return the description, or empty
   * @throws NullPointerException if {@code model} is null
   */
  public Optional<ModelInfo> find(String model) {
    return Optional.ofNullable(models.get(Objects.requireNonNull(model, "model")));
  }

  /**
   * Adds a model or replaces the entry with the same id.
   *
   * @param model the description
   * @return this catalog
   * @throws NullPointerException if {@code model} is null
   */
  public ModelCatalog put(ModelInfo model) {
    models.put(Objects.requireNonNull(model, "model").id(), model);
    return this;
  }

  /**
   * Returns every model held, sorted by id.
   *
   * @return a snapshot of the entries
   */
  public List<ModelInfo> models() {
    List<ModelInfo> all = new ArrayList<>(models.values());
    all.sort(Comparator.comparing(ModelInfo::id));
    return all;
  }

  /**
   * Updates the catalog from a model list: for each entry the window becomes its {@code
   * context_length}, and {@code supports_reasoning}, {@code supports_image_in} and {@code
   * supports_video_in} switch thinking, vision and video. A known model keeps its other values
   * (fixed sampling, whether thinking is switchable, output defaults); a new one starts from {@link
   * ModelInfo#unknown(String)} and is then marked known. Fields the server leaves out change
   * nothing; models missing from the list stay.
   *
   * @param listed the server's models
   * @return this catalog
   * @throws NullPointerException if {@code listed} or an element is null
   */
  public ModelCatalog update(Collection<ListedModel> listed) {
    for (ListedModel l : List.copyOf(listed)) {
      models.compute(l.id(), (id, old) -> merge(old == null ? ModelInfo.unknown(id) : old, l));
    }
    return this;
  }

  private static ModelInfo merge(ModelInfo m, ListedModel l) {
    if (l.contextLength() != null && l.contextLength() > 0) {
      m = m.withContextWindow(l.contextLength());
    }
    ThinkingSupport thinking = m.thinking();
    if (Boolean.TRUE.equals(l.supportsReasoning()) && thinking == ThinkingSupport.NONE) {
      thinking = ThinkingSupport.ALWAYS;
    } else if (Boolean.FALSE.equals(l.supportsReasoning())) {
      thinking = ThinkingSupport.NONE;
    }
    boolean vision = l.supportsImageIn() != null ? l.supportsImageIn() : m.vision();
    boolean video = l.supportsVideoIn() != null ? l.supportsVideoIn() : m.video();
    return new ModelInfo(
        m.id(),
        m.contextWindow(),
        m.defaultMaxOutput(),
        m.maxOutput(),
        thinking,
        vision,
        video,
        m.sampling(),
        m.forcedToolChoiceNeedsThinkingOff(),
        true);
  }

  private static List<ModelInfo> builtIn() {
    List<ModelInfo> l = new ArrayList<>();
    int[] tiers = {8_192, 32_768, 131_072};
    String[] names = {"8k", "32k", "128k"};
    for (int i = 0; i < tiers.length; i++) {
      l.add(plain("moonshot-v1-" + names[i], tiers[i], false));
      l.add(plain("moonshot-v1-" + names[i] + "-vision-preview", tiers[i], true));
    }
    l.add(plain("moonshot-v1-auto", 131_072, false));
    l.add(plain("kimi-latest", 131_072, true));
    l.add(plain("kimi-k2-0711-preview", 131_072, false));
    l.add(plain("kimi-k2-0905-preview", 262_144, false));
    l.add(plain("kimi-k2-turbo-preview", 262_144, false));
    for (String id : List.of("kimi-k2-thinking", "kimi-k2-thinking-turbo")) {
      l.add(
          new ModelInfo(
              id,
              262_144,
              1_024,
              262_144,
              ThinkingSupport.ALWAYS,
              false,
              false,
              FixedSampling.NONE,
              false,
              true));
    }
    for (String id : List.of("kimi-k2.5", "kimi-k2.6")) {
      l.add(
          new ModelInfo(
              id,
              262_144,
              32_768,
              262_144,
              ThinkingSupport.SWITCHABLE,
              true,
              true,
              FixedSampling.K2_5,
              true,
              true));
    }
    for (String id : List.of("kimi-k2.7-code", "kimi-k2.7-code-highspeed")) {
      l.add(
          new ModelInfo(
              id,
              262_144,
              32_768,
              262_144,
              ThinkingSupport.ALWAYS,
              false,
              false,
              FixedSampling.NONE,
              true,
              true));
    }
    l.add(
        new ModelInfo(
            "kimi-k3",
            1_048_576,
            131_072,
            1_048_576,
            ThinkingSupport.ALWAYS,
            false,
            false,
            FixedSampling.K3,
            false,
            true));
    for (String id : List.of("kimi-for-coding", "kimi-for-coding-highspeed")) {
      l.add(
          new ModelInfo(
              id,
              262_144,
              32_768,
              262_144,
              ThinkingSupport.ALWAYS,
              true,
              true,
              FixedSampling.NONE,
              false,
              true));
    }
    return List.copyOf(l);
  }

  private static ModelInfo plain(String id, int window, boolean vision) {
    return new ModelInfo(
        id,
        window,
        1_024,
        window,
        ThinkingSupport.NONE,
        vision,
        false,
        FixedSampling.NONE,
        false,
        true);
  }
}
