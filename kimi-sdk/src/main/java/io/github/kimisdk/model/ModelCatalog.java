package io.github.kimisdk.model;

import io.github.kimisdk.model.ModelInfo.FixedSampling;
import io.github.kimisdk.model.ModelInfo.ThinkingSupport;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one table of what Kimi's models accept: context window, output limits, thinking (never,
 * always or switchable, and whether a {@code thinking} field is taken at all), effort levels,
 * preserved thinking ({@code keep}), vision, video, the sampling values a model fixes and which
 * {@code tool_choice} values combine with thinking. {@link ModelInfo#problems} and {@link
 * ModelInfo#adapt} apply it to a request: a client runs both before every call, against the one
 * table it was built with, and its context budget, rate limiter and error messages read that same
 * table; {@code FakeKimiServer} answers as the defaults say. It starts with the models Moonshot
 * documents (below), takes your own entries ({@link #with(ModelInfo)}), and learns from the
 * server's model list ({@link #updated(Collection)} with {@code kimi.models().list()}). A model it
 * does not know gets {@link ModelInfo#unknown(String) conservative defaults}, never an error: it is
 * sent as it is (a client logs one warning per id naming the nearest ids the table holds), checked
 * only by the rules every Kimi model shares, and never refused for a window the table assumed (a
 * client's preflight learns an unknown model's window from {@code GET /models}).
 *
 * <pre>{@code
 * ModelCatalog catalog = ModelCatalog.defaults();
 * catalog.lookup("kimi-k3").contextWindow();             // 1048576
 * catalog.lookup("my-fine-tune").known();                // false: only the shared rules apply
 * ModelCatalog learned = catalog.updated(kimi.models().list()); // a new table; this one unchanged
 * KimiClient tuned = KimiClient.builder().fromEnv().catalog(learned).build();
 * }</pre>
 *
 * <table>
 *   <caption>Built-in models (kimi-api.md sections 2 and 6, as of 2026-11)</caption>
 *   <tr><th>model</th><th>window</th><th>default output</th><th>thinking</th><th>effort</th>
 *       <th>keep all</th><th>media</th><th>fixed sampling</th><th>required while thinking</th>
 *       <th>retired</th></tr>
 *   <tr><td>moonshot-v1-8k</td><td>8,192</td><td>1,024</td><td>never</td><td>-</td><td>no</td>
 *       <td>-</td><td>-</td><td>-</td><td>2026-08-31</td></tr>
 *   <tr><td>moonshot-v1-32k</td><td>32,768</td><td>1,024</td><td>never</td><td>-</td><td>no</td>
 *       <td>-</td><td>-</td><td>-</td><td>2026-08-31</td></tr>
 *   <tr><td>moonshot-v1-128k</td><td>131,072</td><td>1,024</td><td>never</td><td>-</td><td>no</td>
 *       <td>-</td><td>-</td><td>-</td><td>2026-08-31</td></tr>
 *   <tr><td>moonshot-v1-auto</td><td>131,072</td><td>1,024</td><td>never</td><td>-</td><td>no</td>
 *       <td>-</td><td>-</td><td>-</td><td>2026-08-31</td></tr>
 *   <tr><td>moonshot-v1-8k-vision-preview</td><td>8,192</td><td>1,024</td><td>never</td><td>-</td>
 *       <td>no</td><td>image</td><td>-</td><td>-</td><td>2026-08-31</td></tr>
 *   <tr><td>moonshot-v1-32k-vision-preview</td><td>32,768</td><td>1,024</td><td>never</td>
 *       <td>-</td><td>no</td><td>image</td><td>-</td><td>-</td><td>2026-08-31</td></tr>
 *   <tr><td>moonshot-v1-128k-vision-preview</td><td>131,072</td><td>1,024</td><td>never</td>
 *       <td>-</td><td>no</td><td>image</td><td>-</td><td>-</td><td>2026-08-31</td></tr>
 *   <tr><td>kimi-latest</td><td>131,072</td><td>1,024</td><td>never</td><td>-</td><td>no</td>
 *       <td>image</td><td>-</td><td>-</td><td>2026-01-28</td></tr>
 *   <tr><td>kimi-k2-0711-preview</td><td>131,072</td><td>1,024</td><td>never</td><td>-</td>
 *       <td>no</td><td>-</td><td>-</td><td>-</td><td>2026-05-25</td></tr>
 *   <tr><td>kimi-k2-0905-preview</td><td>262,144</td><td>1,024</td><td>never</td><td>-</td>
 *       <td>no</td><td>-</td><td>-</td><td>-</td><td>2026-05-25</td></tr>
 *   <tr><td>kimi-k2-turbo-preview</td><td>262,144</td><td>1,024</td><td>never</td><td>-</td>
 *       <td>no</td><td>-</td><td>-</td><td>-</td><td>2026-05-25</td></tr>
 *   <tr><td>kimi-k2-thinking</td><td>262,144</td><td>1,024</td><td>always</td><td>-</td><td>no</td>
 *       <td>-</td><td>-</td><td>no</td><td>2026-05-25</td></tr>
 *   <tr><td>kimi-k2-thinking-turbo</td><td>262,144</td><td>1,024</td><td>always</td><td>-</td>
 *       <td>no</td><td>-</td><td>-</td><td>no</td><td>2026-05-25</td></tr>
 *   <tr><td>kimi-k2.5</td><td>262,144</td><td>32,768</td><td>switchable</td><td>-</td><td>no</td>
 *       <td>image, video</td>
 *       <td>temperature 1 (0.6 with thinking off), top_p 0.95, n 1, penalties 0</td><td>no</td>
 *       <td>2026-08-31</td></tr>
 *   <tr><td>kimi-k2.6</td><td>262,144</td><td>32,768</td><td>switchable</td><td>-</td><td>yes</td>
 *       <td>image, video</td><td>as kimi-k2.5</td><td>no</td><td>-</td></tr>
 *   <tr><td>kimi-k2.7-code</td><td>262,144</td><td>32,768</td><td>always</td><td>-</td><td>yes</td>
 *       <td>image, video</td><td>temperature 1, top_p 0.95</td><td>no</td><td>-</td></tr>
 *   <tr><td>kimi-k2.7-code-highspeed</td><td>262,144</td><td>32,768</td><td>always</td><td>-</td>
 *       <td>yes</td><td>image, video</td><td>as kimi-k2.7-code</td><td>no</td><td>-</td></tr>
 *   <tr><td>kimi-k3</td><td>1,048,576</td><td>131,072</td><td>switchable, preserved</td>
 *       <td>low, high, max (default max)</td><td>yes</td><td>image, video</td>
 *       <td>temperature 1 (0.6 with thinking off), top_p 0.95, n 1, penalties 0</td><td>yes</td>
 *       <td>-</td></tr>
 *   <tr><td>kimi-k3.1-pro</td><td>1,048,576</td><td>131,072*</td>
 *       <td>always, preserved, no thinking field</td><td>low, high, max (default max)</td>
 *       <td>no</td><td>image, video*</td><td>as kimi-k3*</td><td>yes*</td><td>-</td></tr>
 *   <tr><td>kimi-k3.1-pro-highspeed</td><td>1,048,576</td><td>131,072*</td>
 *       <td>always, preserved, no thinking field</td><td>low, high, max (default max)</td>
 *       <td>no</td><td>image, video*</td><td>as kimi-k3*</td><td>yes*</td><td>-</td></tr>
 *   <tr><td>k3 (Kimi Code)</td><td>1,048,576</td><td>131,072</td><td>switchable, preserved</td>
 *       <td>low, high, max (default max)</td><td>yes</td><td>image, video</td><td>as kimi-k3</td>
 *       <td>yes</td><td>-</td></tr>
 *   <tr><td>k3-256k (Kimi Code)</td><td>262,144</td><td>32,768</td><td>switchable, preserved</td>
 *       <td>low, high, max (default max)</td><td>yes</td><td>image</td><td>as kimi-k3</td>
 *       <td>yes</td><td>-</td></tr>
 *   <tr><td>kimi-for-coding (Kimi Code)</td><td>262,144</td><td>32,768</td><td>always</td>
 *       <td>-</td><td>yes</td><td>image, video</td><td>as kimi-k2.7-code</td><td>no</td>
 *       <td>-</td></tr>
 *   <tr><td>kimi-for-coding-highspeed (Kimi Code)</td><td>262,144</td><td>32,768</td>
 *       <td>always</td><td>-</td><td>yes</td><td>image, video</td><td>as kimi-k2.7-code</td>
 *       <td>no</td><td>-</td></tr>
 * </table>
 *
 * <p>A cell "as kimi-k3" holds that model's values; "retired" is the day Moonshot stopped serving
 * the model (see below), and "(Kimi Code)" marks the ids served by Kimi Code rather than the Open
 * Platform.
 *
 * <p>kimi-k3.1-pro is a post-trained K3 (released 2026-10-23) and follows K3's contract as its
 * quickstart gives it (kimi-api.md, "Changes of 2026-11-28, fourth look"): it always reasons, takes
 * the top-level {@code reasoning_effort} {@code low}, {@code high} or {@code max} (default {@code
 * max}), and takes <b>no {@code thinking} field at all</b> ({@link ModelInfo#thinkingField()}: the
 * platform's migration note says to remove the K2.x {@code thinking} configuration, and Moonshot
 * takes such a field and ignores it, so a request that sets one is refused before it is sent; with
 * no object there is no {@code keep} either, while its thinking is preserved as K3's is); its
 * window and its preserved thinking are sourced too. The values marked * are <b>inferred</b> from
 * kimi-k3, since no source states them: the default output, images and video, the fixed sampling
 * (one third party advises sending temperature 1 and top_p 0.95; K3.1 always thinks, so only 1
 * applies), {@code required} while thinking, and dynamic tools. Each inferred rule is K3's more
 * permissive reading where one exists. K3.1 is a family of its own: {@code kimi-k3.1-pro} is not
 * matched by a prefix of {@code kimi-k3}, and no rule keys on an id prefix.
 *
 * <p>Where Moonshot states no default output (everything but kimi-k2.5, k2.6 and k3) the table uses
 * the "such as 1024" of the chat docs, and 32,768 for the K2.x coding models; the maximum output is
 * the whole window, since Kimi limits output only by {@code window - prompt}. A named function as
 * {@code tool_choice} is refused by every model while it thinks. kimi-k3 and Kimi Code's k3 ids
 * think unless thinking is disabled ({@code thinking:{"type":"disabled"}} is accepted, Moonshot's
 * K3 contract) and take tools declared in system messages ({@link ModelInfo#dynamicTools()}). The
 * effort levels are in flux (the default on Kimi Code is reported as both {@code high} and {@code
 * max}); where the table and the server differ, {@link #updated(Collection)} with the server's list
 * wins. kimi-for-coding is the K2.7 Code series, so it shares that model's fixed sampling; no
 * effort levels are documented for it.
 *
 * <p><b>Retired models</b> stay in the table, {@link ModelInfo#retirement() marked}, so histories
 * and proxies that still use them are checked and a caller is told (kimi-api.md, "Changes of
 * 2026-11-25, second look"): moonshot-v1-* and kimi-k2.5 on 2026-08-31, the K2 previews and
 * kimi-k2-thinking(-turbo) on 2026-05-25, kimi-latest deprecated on 2026-01-28 (all answered 404 by
 * Kimi since). Each names kimi-k2.6 as its successor: the K2 family's current general model, on
 * Kimi's live list, and the one that takes what each of them took, so a caller changes the id and
 * nothing else: a window at least as large (262,144), images and video, tools, and thinking that is
 * on by default and may be switched off (for the thinking ids and the plain ones alike), at the
 * lowest per-token price of the current lineup. Its sampling is fixed, so a moonshot-v1 caller that
 * set a temperature leaves it unset or adapts ({@code SamplingPolicy.ADAPT}). {@link
 * #updated(Collection)} clears the retirement of a model the server lists, whatever fields its
 * entry carries: that server evidently serves it (a proxy, or a self-hosted K2.5 from its open
 * weights). Nothing else clears it: {@link #with}, {@link ModelInfo#withContextWindow} and {@link
 * ModelInfo#toBuilder()} keep it.
 *
 * <p>Instances are immutable values: {@link #with} and {@link #updated} return new tables, and two
 * tables holding the same entries are {@code equals}.
 */
public final class ModelCatalog {

  /** The successor of every retired model; see the class comment for why. */
  static final String SUCCESSOR = "kimi-k2.6";

  private static final LocalDate V1_AND_K2_5_RETIRED = LocalDate.of(2026, 8, 31);
  private static final LocalDate K2_PREVIEWS_RETIRED = LocalDate.of(2026, 5, 25);
  private static final LocalDate KIMI_LATEST_DEPRECATED = LocalDate.of(2026, 1, 28);

  // after the constants above, which builtIn() reads
  private static final ModelCatalog DEFAULTS = new ModelCatalog(byId(builtIn()));

  private final Map<String, ModelInfo> models; // unmodifiable, sorted by id

  private ModelCatalog(Map<String, ModelInfo> models) {
    this.models = Collections.unmodifiableMap(new TreeMap<>(models));
  }

  /**
   * Returns the table of the built-in models: one constant, the same instance on every call.
   *
   * @return the default table
   */
  public static ModelCatalog defaults() {
    return DEFAULTS;
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
   * Returns the ids this table holds close to {@code model}, closest first, at most {@code max}:
   * what to answer "did you mean" with, as a 404 for an unknown model does. Close means of the same
   * family (the letters and number of an id's first version: {@code k3.1} for {@code
   * kimi-k3.1-pro-highspeed}, {@code v1} for {@code moonshot-v1-8k}; ids without a digit form one
   * family) and at most a third of its length (and at least 2) edits away, or continuing it ({@code
   * kimi-k3.1} gets {@code kimi-k3.1-pro}, the shortest such id first). So {@code kimi-k3.2-pro}
   * gets no guess rather than {@code kimi-k3.1-pro}. Ties go to the shorter id, then the smaller.
   * Compared case-insensitively; the id is cut at 128 characters.
   *
   * @param model the id asked for
   * @param max the most ids returned
   * @return the close ids, closest first; empty when none is close
   * @throws NullPointerException if {@code model} is null
   */
  public List<String> similarIds(String model, int max) {
    return ModelIds.closeIds(Objects.requireNonNull(model, "model"), this, max);
  }

  /**
   * Returns the warning a client logs, once per model id, before its first call with {@code model}:
   * that the table marks it {@link ModelInfo#retirement() retired} (when, and what to use instead),
   * or that the table does not hold it (with its {@link #similarIds similar ids}, or else the
   * nearest served ones). Empty for a current model the table holds. Nothing is refused for either:
   * a proxy may serve a retired id, and the table can lag Kimi. A framework that knows its model at
   * start-up has its client log this then, once, with {@link
   * io.github.kimisdk.KimiClient#warnAboutModel(String)}, as the SDK's LangChain4j and Spring AI
   * modules do.
   *
   * @param model the model id
   * @return the warning, or empty
   * @throws NullPointerException if {@code model} is null
   */
  public Optional<String> warning(String model) {
    ModelInfo held = models.get(Objects.requireNonNull(model, "model"));
    if (held != null) {
      return held.retirement()
          .map(
              r ->
                  "Model "
                      + model
                      + " was retired on "
                      + r.date()
                      + " (Kimi answers 404 for it); use "
                      + r.successor()
                      + " instead. The request is sent as asked");
    }
    List<String> close = similarIds(model, 3);
    String nearest =
        close.isEmpty()
            ? "the nearest it knows are " + String.join(", ", ModelIds.nearestIds(model, this, 3))
            : "did you mean " + String.join(" or ", close) + "?";
    return Optional.of(
        "Model "
            + model
            + " is not in this client's model table ("
            + nearest
            + "). It is sent as asked and checked only by the rules every Kimi model shares; if Kimi"
            + " serves it, add it with ModelCatalog.with(...) or updated(kimi.models().list())");
  }

  /**
   * Returns a table with {@code model} added, or replacing the entry with the same id; this table
   * is unchanged.
   *
   * @param model the description
   * @return the new table
   * @throws NullPointerException if {@code model} is null
   */
  public ModelCatalog with(ModelInfo model) {
    Map<String, ModelInfo> m = new TreeMap<>(models);
    m.put(Objects.requireNonNull(model, "model").id(), model);
    return new ModelCatalog(m);
  }

  /**
   * Returns every model held, sorted by id.
   *
   * @return the entries, unmodifiable
   */
  public List<ModelInfo> models() {
    return List.copyOf(models.values());
  }

  /**
   * Returns a table updated from a model list ({@code GET /models}); this table is unchanged. For
   * each entry the window becomes its {@code context_length}; {@code supports_thinking_type}
   * ({@code only}, {@code both}, {@code no}) sets thinking ({@code both} also says the model takes
   * a {@code thinking} field, which switches it), or, from older servers without it, {@code
   * supports_reasoning} does (true makes a model that did not think always think; false, never);
   * the effort levels and default ({@code think_efforts}, or the older flat {@code support_efforts}
   * and {@code default_effort}) replace the known ones; {@code supports_image_in}, {@code
   * supports_video_in} and {@code supports_tool_use} switch vision, video and tools; {@code
   * protocol} says whether the model is served over Responses ({@link ModelInfo#responsesWire()}).
   * A known model keeps its other values (fixed sampling, preserved thinking, output defaults); a
   * new one starts from {@link ModelInfo#unknown(String)} and is then marked known. Fields the
   * server leaves out change nothing; models missing from the list stay, retired ones still
   * retired. A listed model is served by that server, so its {@link ModelInfo#retirement()
   * retirement} is cleared, whichever fields its entry carries.
   *
   * @param listed the server's models
   * @return the new table
   * @throws NullPointerException if {@code listed} or an element is null
   */
  public ModelCatalog updated(Collection<ListedModel> listed) {
    Map<String, ModelInfo> m = new TreeMap<>(models);
    for (ListedModel l : List.copyOf(listed)) {
      m.compute(l.id(), (id, old) -> merge(old == null ? ModelInfo.unknown(id) : old, l));
    }
    return new ModelCatalog(m);
  }

  /**
   * Tells whether {@code o} is a catalog holding the same entries.
   *
   * @param o the object to compare
   * @return whether both hold equal entries under the same ids
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof ModelCatalog c && c.models.equals(models);
  }

  /**
   * Returns a hash of the entries.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return models.hashCode();
  }

  /**
   * Names the table by its size, and says whether it is the defaults.
   *
   * @return such as {@code ModelCatalog[defaults, 23 models]}
   */
  @Override
  public String toString() {
    return "ModelCatalog[" + (equals(DEFAULTS) ? "defaults, " : "") + models.size() + " models]";
  }

  private static Map<String, ModelInfo> byId(List<ModelInfo> list) {
    Map<String, ModelInfo> m = new TreeMap<>();
    list.forEach(i -> m.put(i.id(), i));
    return m;
  }

  private static ModelInfo merge(ModelInfo m, ListedModel l) {
    if (l.contextLength() != null && l.contextLength() > 0) {
      m = m.withContextWindow(l.contextLength());
    }
    // listed: the server serves it, whatever Moonshot's platform retired
    ModelInfo.Builder b = m.toBuilder().known(true).retirement(null);
    ThinkingSupport thinking = thinkingType(l.supportsThinkingType());
    if (thinking != null) {
      b.thinking(thinking);
      if (thinking == ThinkingSupport.SWITCHABLE) {
        b.thinkingField(true); // switched, so the server reads the field that switches it
      }
    } else if (Boolean.TRUE.equals(l.supportsReasoning()) && m.thinking() == ThinkingSupport.NONE) {
      b.thinking(ThinkingSupport.ALWAYS);
    } else if (Boolean.FALSE.equals(l.supportsReasoning())) {
      b.thinking(ThinkingSupport.NONE);
    }
    if (!l.efforts().isEmpty()) {
      String def = l.efforts().contains(l.defaultEffort()) ? l.defaultEffort() : null;
      b.efforts(l.efforts(), def);
    }
    if (l.supportsImageIn() != null) {
      b.vision(l.supportsImageIn());
    }
    if (l.supportsVideoIn() != null) {
      b.video(l.supportsVideoIn());
    }
    if (l.supportsToolUse() != null) {
      b.toolUse(l.supportsToolUse());
    }
    if (l.protocol() != null) {
      // Moonshot's own client routes "response" over Responses (kimi-api.md, Changes of 2026-11-25)
      String p = l.protocol().strip().toLowerCase(java.util.Locale.ROOT);
      b.responsesWire(p.equals("response") || p.equals("responses"));
    }
    return b.build();
  }

  /** Reads {@code supports_thinking_type}; null for an absent or unknown value. */
  private static ThinkingSupport thinkingType(String type) {
    if (type == null) {
      return null;
    }
    return switch (type) {
      case "only" -> ThinkingSupport.ALWAYS;
      case "both" -> ThinkingSupport.SWITCHABLE;
      case "no" -> ThinkingSupport.NONE;
      default -> null;
    };
  }

  private static List<ModelInfo> builtIn() {
    List<ModelInfo> l = new ArrayList<>();
    int[] tiers = {8_192, 32_768, 131_072};
    String[] names = {"8k", "32k", "128k"};
    for (int i = 0; i < tiers.length; i++) {
      l.add(plain("moonshot-v1-" + names[i], tiers[i], false, V1_AND_K2_5_RETIRED));
      l.add(
          plain(
              "moonshot-v1-" + names[i] + "-vision-preview", tiers[i], true, V1_AND_K2_5_RETIRED));
    }
    l.add(plain("moonshot-v1-auto", 131_072, false, V1_AND_K2_5_RETIRED));
    l.add(plain("kimi-latest", 131_072, true, KIMI_LATEST_DEPRECATED));
    l.add(plain("kimi-k2-0711-preview", 131_072, false, K2_PREVIEWS_RETIRED));
    l.add(plain("kimi-k2-0905-preview", 262_144, false, K2_PREVIEWS_RETIRED));
    l.add(plain("kimi-k2-turbo-preview", 262_144, false, K2_PREVIEWS_RETIRED));
    for (String id : List.of("kimi-k2-thinking", "kimi-k2-thinking-turbo")) {
      l.add(
          ModelInfo.builder(id)
              .contextWindow(262_144)
              .thinking(ThinkingSupport.ALWAYS)
              .retirement(retired(K2_PREVIEWS_RETIRED))
              .build());
    }
    for (String id : List.of("kimi-k2.5", "kimi-k2.6")) {
      l.add(
          ModelInfo.builder(id)
              .contextWindow(262_144)
              .defaultMaxOutput(32_768)
              .thinking(ThinkingSupport.SWITCHABLE)
              .keepAll(id.equals("kimi-k2.6"))
              .vision(true)
              .video(true)
              .sampling(FixedSampling.K2_5)
              .retirement(id.equals("kimi-k2.5") ? retired(V1_AND_K2_5_RETIRED) : null)
              .build());
    }
    for (String id :
        List.of(
            "kimi-k2.7-code",
            "kimi-k2.7-code-highspeed",
            "kimi-for-coding",
            "kimi-for-coding-highspeed")) {
      l.add(
          ModelInfo.builder(id)
              .contextWindow(262_144)
              .defaultMaxOutput(32_768)
              .thinking(ThinkingSupport.ALWAYS)
              .keepAll(true)
              .vision(true)
              .video(true)
              .sampling(FixedSampling.K2_7_CODE)
              .build());
    }
    l.add(k3("kimi-k3", 1_048_576, 131_072, true));
    // K3.1 Pro (its quickstart, kimi-api.md fourth look): always reasoning, reasoning_effort
    // low|high|max (default max), no thinking field at all, the window; the rest inferred from K3
    for (String id : List.of("kimi-k3.1-pro", "kimi-k3.1-pro-highspeed")) {
      l.add(
          k3(id, 1_048_576, 131_072, true).toBuilder()
              .thinking(ThinkingSupport.ALWAYS)
              .thinkingField(false)
              .keepAll(false)
              .build());
    }
    l.add(k3("k3", 1_048_576, 131_072, true));
    l.add(k3("k3-256k", 262_144, 32_768, false));
    return List.copyOf(l);
  }

  private static ModelInfo k3(String id, int window, int defaultOutput, boolean video) {
    return ModelInfo.builder(id)
        .contextWindow(window)
        .defaultMaxOutput(defaultOutput)
        .thinking(ThinkingSupport.SWITCHABLE)
        .efforts(List.of("low", "high", "max"), "max")
        .keepAll(true)
        .preservedThinking(true)
        .vision(true)
        .video(video)
        .sampling(FixedSampling.K3)
        .requiredToolChoiceWhileThinking(true)
        .dynamicTools(true)
        .build();
  }

  private static ModelInfo plain(String id, int window, boolean vision, LocalDate retired) {
    return ModelInfo.builder(id)
        .contextWindow(window)
        .vision(vision)
        .retirement(retired(retired))
        .build();
  }

  private static ModelInfo.Retirement retired(LocalDate date) {
    return new ModelInfo.Retirement(date, SUCCESSOR);
  }
}
