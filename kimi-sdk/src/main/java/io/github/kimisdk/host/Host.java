package io.github.kimisdk.host;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.Target;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.base.text.UserCode;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.completions.RequestFields;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.model.PriceTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Where Kimi runs, and how that host speaks: Moonshot's own API, Kimi Code, or a host of Kimi's
 * open weights (vLLM or SGLang in a team's cluster, OpenRouter, Fireworks, Together, any other
 * OpenAI-compatible server). The application keeps naming Kimi's models ({@code kimi-k3}) and
 * Kimi's rules for a model apply wherever it runs; a host only translates at the wire:
 *
 * <ul>
 *   <li>its <b>model id</b> for each Kimi model ({@link #modelId(String)}: {@code kimi-k3} is
 *       {@code moonshotai/Kimi-K3} on a vLLM that serves the Hugging Face weights under their
 *       name);
 *   <li>how <b>thinking</b> and its effort are switched ({@link ThinkingSwitch});
 *   <li>the key that carries an earlier turn's <b>reasoning</b> back in the history ({@link
 *       #reasoningKey()}); replies are read whichever of {@code reasoning_content} and {@code
 *       reasoning} the host answers with;
 *   <li>the form of <b>tool-call ids</b> its chat template needs in the history ({@link
 *       ToolCallIds});
 *   <li>which members of a <b>message</b> it takes ({@link MessageSchema});
 *   <li>how it <b>continues</b> a reply the request ends with, such as what arrived of a stream
 *       that was cut ({@link Continuation}: Moonshot's {@code partial}, vLLM's and SGLang's {@code
 *       continue_final_message}, OpenRouter's assistant prefill, or none);
 *   <li>how it says it is <b>overloaded</b> ({@link #overloadStatuses()}: besides Kimi's {@code
 *       engine_overloaded_error} and a full queue, by default 502, 503 and 529), which moves a call
 *       to the next {@link Target} of a fallback chain;
 *   <li>its <b>prices</b>, when the team gives them ({@link #withPrices}): Moonshot's own are
 *       shipped, no other host's is guessed, so the cost of a reply from a host without prices is
 *       unknown rather than wrong;
 *   <li>the top-level <b>fields it ignores</b> without a word ({@link #ignoresField}): Moonshot's
 *       API takes every field and ignores those it does not document, so the client refuses such a
 *       field before sending ({@link #problems}) unless the team marks it deliberate.
 * </ul>
 *
 * <p>Usage and cached tokens need no declaration: replies are read wherever a host puts them. The
 * facts behind each preset, and which were verified against the host's own source or docs, are in
 * the hosts guide ({@code docs/hosts.md}).
 *
 * <pre>{@code
 * KimiClient kimi = KimiClient.builder()
 *     .host(Host.vllm("https://vllm.internal:8000/v1"))
 *     .apiKey(vllmKey)
 *     .build();
 * kimi.chat(ChatRequest.builder("kimi-k3").addUser("Hi").thinking(Thinking.disabled()).build());
 * // sent as "model":"moonshotai/Kimi-K3", "chat_template_kwargs":{"thinking":false,...}
 * }</pre>
 *
 * <p>Immutable: each {@code with} method returns a new host.
 */
public final class Host {

  /** How a host switches thinking and its effort. */
  public enum ThinkingSwitch {
    /**
     * Moonshot's: the {@code thinking} object ({@code type}, {@code keep}, {@code effort}) and K3's
     * top-level {@code reasoning_effort}, as {@link io.github.kimisdk.chat.ChatRequest} holds them.
     */
    MOONSHOT,
    /**
     * The chat template's arguments, as vLLM and SGLang take them and Moonshot's vendor verifier
     * sends them ({@code --think-mode opensource}): {@code chat_template_kwargs} with {@code
     * thinking} (true or false), and with an effort {@code thinking_effort} and {@code
     * preserve_thinking: true} (also sent for {@code keep: "all"}); neither the {@code thinking}
     * object nor {@code reasoning_effort} is sent.
     */
    CHAT_TEMPLATE_KWARGS,
    /**
     * OpenRouter's {@code reasoning} object, as its reasoning-tokens guide documents it: {@code
     * {"effort": "none"}} for thinking off, {@code {"effort": ...}} for an effort (its levels are
     * {@code none}, {@code minimal}, {@code low}, {@code medium}, {@code high}, {@code xhigh} and
     * {@code max}: Kimi's levels are sent as they are, K3's {@code max} as {@code max}), {@code
     * {"enabled": true}} for thinking on.
     */
    REASONING_OBJECT,
    /**
     * A top-level {@code reasoning_effort} only: {@code "none"} for thinking off, the effort (or
     * the host's default) for thinking on; the {@code thinking} object is not sent.
     */
    REASONING_EFFORT,
    /**
     * Together's, as its reasoning guide documents it: the {@code reasoning} object's {@code
     * enabled} switches thinking ({@code {"enabled": false}} off, {@code {"enabled": true}} on),
     * and an effort goes as the top-level {@code reasoning_effort}, whose documented levels are
     * {@code low}, {@code medium} and {@code high} (K3's {@code max} is sent as {@code high}, the
     * most it documents); a {@code reasoning.effort} is not sent, since Together does not read it.
     */
    REASONING_ENABLED_AND_EFFORT,
    /**
     * Fireworks', as its chat completions reference documents it: a top-level {@code
     * reasoning_effort} ({@code "none"} for thinking off, the effort as it is: {@code low}, {@code
     * medium}, {@code high}, {@code max}), {@code {"type": "enabled"}} as the {@code thinking}
     * object for thinking on without an effort (the object takes {@code type} and {@code
     * budget_tokens} only, and is never sent beside {@code reasoning_effort}, which Fireworks
     * refuses), and preserved thinking ({@code keep: "all"}) as {@code reasoning_history:
     * "preserved"}.
     */
    REASONING_EFFORT_AND_HISTORY
  }

  /**
   * Which members of a chat message a host takes. The SDK writes a message's {@code role}, {@code
   * content}, {@code reasoning_content} (or the host's reasoning key), {@code tool_calls} and
   * {@code tool_call_id}, and, when set, a {@code name}, {@code partial}, K3's {@code tools} on a
   * system message, and the members a reply carried beside the ones it models.
   */
  public enum MessageSchema {
    /**
     * Every member the SDK writes: the host ignores those it does not read (Moonshot, vLLM, ...).
     */
    OPEN,
    /**
     * Only {@code role}, {@code content}, {@code reasoning_content}, {@code tool_calls} (each with
     * {@code id}, {@code type} and {@code function} of {@code name} and {@code arguments}) and
     * {@code tool_call_id}, as a host whose message schema refuses any other member with a 400
     * (Fireworks: {@code additionalProperties: false}, "Extra inputs are not permitted"). A {@code
     * name} and the members a reply carried beside these are left out, which changes nothing the
     * model reads there; tools declared on a system message, and a {@code partial} assistant
     * message the host's {@link Continuation} would send with its {@code partial} member, are
     * refused before anything is sent ({@link io.github.kimisdk.errors.ConfigurationException}),
     * since leaving them out would change the answer.
     */
    STRICT
  }

  /**
   * How a host continues a reply: a request whose last message is a partial assistant message
   * ({@link io.github.kimisdk.chat.Message#partial(String)}, as {@code
   * StreamException.resumeRequest()} ends with what arrived of a cut stream) asks the model to go
   * on from that text, and the answer does not repeat it. Hosts ask for it in different forms, and
   * one that does not read the form it is sent starts the answer over, repeating its words. The
   * client writes the request in its host's form; the facts and their sources are in the hosts
   * guide ({@code docs/hosts.md}).
   */
  public enum Continuation {
    /**
     * Moonshot's partial mode: the last message is {@code {"role": "assistant", "content": "...",
     * "partial": true}}.
     */
    PARTIAL,
    /**
     * vLLM's and SGLang's: the last message is the assistant's text without {@code partial}
     * (neither server reads that member), and the request carries {@code "continue_final_message":
     * true} with {@code "add_generation_prompt": false}; vLLM refuses both set to true and adds the
     * generation prompt unless told not to, SGLang has no {@code add_generation_prompt} member and
     * ignores it.
     */
    CONTINUE_FINAL_MESSAGE,
    /**
     * An assistant message at the end of the messages is itself the prefix the model continues, as
     * OpenRouter's assistant prefill documents it: the message is sent without {@code partial}.
     */
    PREFILL,
    /**
     * The host documents no way to continue a reply (Fireworks' and Together's chat completions): a
     * request that ends with a partial assistant message is refused before anything is sent ({@link
     * io.github.kimisdk.errors.ConfigurationException}), since the host would start the answer
     * over.
     */
    NONE
  }

  /** The form of tool-call ids a host's chat template needs in the history. */
  public enum ToolCallIds {
    /** Sent as they came: Moonshot renames them itself. */
    AS_SENT,
    /**
     * Renamed to Kimi's template form, {@code functions.NAME:IDX}, {@code IDX} counting the tool
     * calls of the conversation from 0, as vLLM and SGLang number the ids they make (each tool
     * message's {@code tool_call_id} renamed with its call): Kimi's chat template writes history
     * ids as they are, Moonshot's API renames them itself, and its vendor verifier advises hosts of
     * the open weights to do the same. An id already in that form is renamed too, so the numbering
     * stays one.
     */
    KIMI_TEMPLATE
  }

  private static final Set<Integer> DEFAULT_OVERLOAD = Set.of(502, 503, 529);

  /** The global open platform, {@link Endpoint#GLOBAL}, at Moonshot's prices. */
  public static final Host MOONSHOT =
      new Host("moonshot", Endpoint.GLOBAL).atMoonshotsPrices().ignoringUnknownFields();

  /** The China open platform, {@link Endpoint#CHINA}; it bills in CNY, so no prices are set. */
  public static final Host MOONSHOT_CHINA =
      new Host("moonshot-cn", Endpoint.CHINA).ignoringUnknownFields();

  /** Kimi Code, {@link Endpoint#KIMI_CODE}: a subscription, so no prices are set. */
  public static final Host KIMI_CODE =
      new Host("kimi-code", Endpoint.KIMI_CODE).ignoringUnknownFields();

  /**
   * OpenRouter, {@code https://openrouter.ai/api/v1}: Kimi's models as {@code moonshotai/ID};
   * thinking through its {@code reasoning} object ({@link ThinkingSwitch#REASONING_OBJECT});
   * reasoning in {@code reasoning}. Its 429 is a rate limit, not an overload; 502 (the model down)
   * and 503 (no provider available) move a fallback chain on.
   */
  public static final Host OPENROUTER =
      new Host("openrouter", Endpoint.of("https://openrouter.ai/api/v1"))
          .withModelPrefix("moonshotai/")
          .withThinkingSwitch(ThinkingSwitch.REASONING_OBJECT)
          .withReasoningKey("reasoning")
          .withContinuation(Continuation.PREFILL);

  /**
   * Fireworks, {@code https://api.fireworks.ai/inference/v1}: Kimi's models as {@code
   * accounts/fireworks/models/ID} in Fireworks' spelling, a dot between digits written {@code p}
   * ({@code kimi-k2.5} as {@code accounts/fireworks/models/kimi-k2p5}, {@code kimi-k3} as {@code
   * accounts/fireworks/models/kimi-k3}); thinking through {@code reasoning_effort}, {@code
   * thinking} and {@code reasoning_history} ({@link ThinkingSwitch#REASONING_EFFORT_AND_HISTORY});
   * reasoning in {@code reasoning_content}; a strict message schema ({@link MessageSchema#STRICT});
   * no way to continue a reply in its chat completions ({@link Continuation#NONE}).
   */
  public static final Host FIREWORKS =
      new Host("fireworks", Endpoint.of("https://api.fireworks.ai/inference/v1"))
          .withModelPrefix("accounts/fireworks/models/")
          .withThinkingSwitch(ThinkingSwitch.REASONING_EFFORT_AND_HISTORY)
          .withMessageSchema(MessageSchema.STRICT)
          .withContinuation(Continuation.NONE)
          .spellingDotsAsP();

  /**
   * Together, {@code https://api.together.xyz/v1}: Kimi's models as {@code moonshotai/...};
   * thinking switched by its {@code reasoning} object's {@code enabled}, an effort as the top-level
   * {@code reasoning_effort} ({@link ThinkingSwitch#REASONING_ENABLED_AND_EFFORT}); reasoning in
   * {@code reasoning}; 503 "Engine Overloaded" when busy; no way to continue a reply ({@link
   * Continuation#NONE}).
   */
  public static final Host TOGETHER =
      new Host("together", Endpoint.of("https://api.together.xyz/v1"))
          .withModelPrefix("moonshotai/")
          .withModelId("kimi-k2.5", "moonshotai/Kimi-K2.5")
          .withModelId("kimi-k2.6", "moonshotai/Kimi-K2.6")
          .withModelId("kimi-k2-thinking", "moonshotai/Kimi-K2-Thinking")
          .withThinkingSwitch(ThinkingSwitch.REASONING_ENABLED_AND_EFFORT)
          .withReasoningKey("reasoning")
          .withContinuation(Continuation.NONE);

  private final String name;
  private final Endpoint endpoint;
  private final Map<String, String> modelIds; // Kimi id -> the host's, Kimi ids in lower case
  private final String modelPrefix;
  private final ThinkingSwitch thinkingSwitch;
  private final String reasoningKey;
  private final ToolCallIds toolCallIds;
  private final Set<Integer> overloadStatuses;
  private final PriceTable prices;
  private final boolean moonshotPrices; // Moonshot's global platform: its prices, made when asked
  private final MessageSchema messageSchema;
  private final Continuation continuation;
  private final boolean dotsAsP; // Fireworks' spelling: a dot between digits written p
  private final boolean ignoresUnknownFields; // Moonshot's API: takes them, does nothing with them

  private Host(String name, Endpoint endpoint) {
    this(new Parts(name, endpoint));
  }

  private Host(Parts p) {
    this.name = p.name;
    this.endpoint = p.endpoint;
    this.modelIds = p.modelIds;
    this.modelPrefix = p.modelPrefix;
    this.thinkingSwitch = p.thinkingSwitch;
    this.reasoningKey = p.reasoningKey;
    this.toolCallIds = p.toolCallIds;
    this.overloadStatuses = p.overloadStatuses;
    this.prices = p.prices;
    this.moonshotPrices = p.moonshotPrices;
    this.messageSchema = p.messageSchema;
    this.continuation = p.continuation;
    this.dotsAsP = p.dotsAsP;
    this.ignoresUnknownFields = p.ignoresUnknownFields;
  }

  /** A host's parts by name, Moonshot's dialect unless changed: each {@code with} changes some. */
  private static final class Parts {
    String name;
    Endpoint endpoint;
    Map<String, String> modelIds = Map.of();
    String modelPrefix = "";
    ThinkingSwitch thinkingSwitch = ThinkingSwitch.MOONSHOT;
    String reasoningKey = "reasoning_content";
    ToolCallIds toolCallIds = ToolCallIds.AS_SENT;
    Set<Integer> overloadStatuses = DEFAULT_OVERLOAD;
    PriceTable prices;
    boolean moonshotPrices;
    MessageSchema messageSchema = MessageSchema.OPEN;
    Continuation continuation = Continuation.PARTIAL;
    boolean dotsAsP;
    boolean ignoresUnknownFields;

    Parts(String name, Endpoint endpoint) {
      this.name = name;
      this.endpoint = endpoint;
    }

    Parts(Host h) {
      this(h.name, h.endpoint);
      modelIds = h.modelIds;
      modelPrefix = h.modelPrefix;
      thinkingSwitch = h.thinkingSwitch;
      reasoningKey = h.reasoningKey;
      toolCallIds = h.toolCallIds;
      overloadStatuses = h.overloadStatuses;
      prices = h.prices;
      moonshotPrices = h.moonshotPrices;
      messageSchema = h.messageSchema;
      continuation = h.continuation;
      dotsAsP = h.dotsAsP;
      ignoresUnknownFields = h.ignoresUnknownFields;
    }
  }

  /** Returns this host with the parts {@code change} sets. */
  private Host with(Consumer<Parts> change) {
    Parts p = new Parts(this);
    change.accept(p);
    return new Host(p);
  }

  /**
   * Returns a vLLM server: thinking through {@code chat_template_kwargs}, reasoning under {@code
   * reasoning} (vLLM 0.16 and later read only that key in the history), tool-call ids in Kimi's
   * template form, and the open weights under their names ({@code kimi-k3} as {@code
   * moonshotai/Kimi-K3}, {@code kimi-k2.6} as {@code moonshotai/Kimi-K2.6}), which are the served
   * names unless {@code --served-model-name} says otherwise: then declare it with {@link
   * #withModelId}. Start it with the parsers of the model it serves, {@code --reasoning-parser
   * kimi_k3 --tool-call-parser kimi_k3} for K3 and {@code kimi_k2} for both with K2.5 and K2.6:
   * without them, or with K2's for K3 (whose markers differ), reasoning and tool calls stay in
   * {@code content} and no error says so. vLLM queues rather than refusing unless it is started
   * with {@code --max-num-queued-reqs} (from 0.29): past it, it answers 503 "The engine is
   * currently busy and cannot accept new requests...", which lowers the client's concurrency for it
   * and moves a fallback chain on. A reply is continued with {@code continue_final_message} ({@link
   * Continuation#CONTINUE_FINAL_MESSAGE}). It bills nothing.
   *
   * @param baseUrl the server's OpenAI-compatible base URL, such as {@code http://vllm:8000/v1}
   * @return the host
   * @throws ConfigurationException if the URL is malformed
   */
  public static Host vllm(String baseUrl) {
    return new Host("vllm", Endpoint.of(baseUrl))
        .withModelId("kimi-k3", "moonshotai/Kimi-K3")
        .withModelId("kimi-k2.6", "moonshotai/Kimi-K2.6")
        .withThinkingSwitch(ThinkingSwitch.CHAT_TEMPLATE_KWARGS)
        .withReasoningKey("reasoning")
        .withToolCallIds(ToolCallIds.KIMI_TEMPLATE)
        .withContinuation(Continuation.CONTINUE_FINAL_MESSAGE);
  }

  /**
   * Returns an SGLang server: thinking through {@code chat_template_kwargs}, reasoning under {@code
   * reasoning_content}, tool-call ids in Kimi's template form, and the open weights under their
   * names as {@link #vllm} serves them ({@code kimi-k3} as {@code moonshotai/Kimi-K3}). Start it
   * with the parsers of the model it serves, {@code --reasoning-parser kimi_k3 --tool-call-parser
   * kimi_k3} for K3 and {@code kimi_k2} for both with K2.5 and K2.6: without them, or with K2's for
   * K3, reasoning and tool calls stay in {@code content}. An SGLang started with {@code
   * --max-queued-requests} refuses a call when its queue is full, "The request queue is full.": a
   * whole reply with a 503, a stream with an error event naming 503 on its 200 before any output;
   * either lowers the client's concurrency for it and moves a fallback chain on. A reply is
   * continued with {@code continue_final_message} ({@link Continuation#CONTINUE_FINAL_MESSAGE}).
   *
   * @param baseUrl the server's OpenAI-compatible base URL, such as {@code http://sglang:30000/v1}
   * @return the host
   * @throws ConfigurationException if the URL is malformed
   */
  public static Host sglang(String baseUrl) {
    return new Host("sglang", Endpoint.of(baseUrl))
        .withModelId("kimi-k3", "moonshotai/Kimi-K3")
        .withModelId("kimi-k2.6", "moonshotai/Kimi-K2.6")
        .withThinkingSwitch(ThinkingSwitch.CHAT_TEMPLATE_KWARGS)
        .withToolCallIds(ToolCallIds.KIMI_TEMPLATE)
        .withContinuation(Continuation.CONTINUE_FINAL_MESSAGE);
  }

  /**
   * Returns another OpenAI-compatible host, which is assumed to speak Moonshot's dialect: Kimi's
   * model ids, Moonshot's {@code thinking} object and {@code reasoning_effort}, {@code
   * reasoning_content} in the history, tool-call ids as they came, and any message member. A server
   * that speaks another (a vLLM behind a gateway reads {@code chat_template_kwargs}, and ignores
   * Moonshot's {@code thinking} without a word) needs it declared: start from the preset it runs
   * ({@code Host.vllm(url)}, {@code Host.sglang(url)}, {@code Host.OPENROUTER.withBaseUrl(url)},
   * ...) or declare each difference with the {@code with} methods ({@link #withThinkingSwitch},
   * {@link #withReasoningKey}, {@link #withToolCallIds}, {@link #withModelId}, {@link
   * #withMessageSchema}, {@link #withContinuation}, ...).
   *
   * @param name a short name for events, metrics and messages: letters, digits, {@code .}, {@code
   *     _} and {@code -}, 1 to 64 characters
   * @param baseUrl its base URL, to which the client appends {@code /chat/completions}
   * @return the host
   * @throws ConfigurationException if the name or the URL is malformed
   */
  public static Host compatible(String name, String baseUrl) {
    return new Host(checkName(name), Endpoint.of(baseUrl));
  }

  /**
   * Returns the host of Moonshot's own API at {@code endpoint}: {@link #MOONSHOT} for {@link
   * Endpoint#GLOBAL}, {@link #MOONSHOT_CHINA}, {@link #KIMI_CODE}, or, for another base URL (a
   * proxy, a {@code FakeKimiServer}), one that speaks as Moonshot does, at Moonshot's prices.
   *
   * @param endpoint the endpoint
   * @return the host
   */
  public static Host moonshot(Endpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    Endpoint chat = endpoint.forProtocol(WireProtocol.CHAT_COMPLETIONS);
    if (chat.equals(Endpoint.GLOBAL)) {
      return MOONSHOT;
    }
    if (chat.equals(Endpoint.CHINA)) {
      return MOONSHOT_CHINA;
    }
    if (chat.equals(Endpoint.KIMI_CODE)) {
      return KIMI_CODE;
    }
    return MOONSHOT.withBaseUrl(endpoint.baseUrl());
  }

  /**
   * Returns the host a configuration names, as Spring properties, Flink options and other text
   * settings give it: {@code moonshot}, {@code moonshot-cn}, {@code kimi-code}, {@code openrouter},
   * {@code fireworks} and {@code together} at their own base URL (or at {@code baseUrl}, such as a
   * proxy's, when given), {@code vllm} and {@code sglang} at {@code baseUrl}, and any other name as
   * an OpenAI-compatible host at {@code baseUrl} that speaks as Moonshot does ({@link
   * #compatible}).
   *
   * @param name the host's name, in any case
   * @param baseUrl its base URL, or null for a named host's own
   * @return the host
   * @throws ConfigurationException if the host needs a base URL and none is given, or the name or
   *     URL is malformed
   */
  public static Host of(String name, String baseUrl) {
    Objects.requireNonNull(name, "name");
    String n = name.strip().toLowerCase(Locale.ROOT);
    Host preset = null;
    for (Host p : Presets.HOSTED) {
      if (p.name.equals(n)) {
        preset = p;
      }
    }
    if (preset != null) {
      return baseUrl == null || baseUrl.isBlank() ? preset : preset.withBaseUrl(baseUrl);
    }
    if (baseUrl == null || baseUrl.isBlank()) {
      throw new ConfigurationException(
          "host '"
              + name
              + "' needs a base URL (its server's OpenAI-compatible URL, such as"
              + " http://vllm:8000/v1); the hosts with one of their own are moonshot,"
              + " moonshot-cn, kimi-code, openrouter, fireworks and together");
    }
    return switch (n) {
      case "vllm" -> vllm(baseUrl);
      case "sglang" -> sglang(baseUrl);
      default -> compatible(name.strip(), baseUrl);
    };
  }

  /**
   * The hosts with a URL of their own, in one list: {@link #of} names them, {@link #needsKey} knows
   * their URLs. A holder class, so the list is made after the constants it lists.
   */
  private static final class Presets {
    static final List<Host> HOSTED =
        List.of(MOONSHOT, MOONSHOT_CHINA, KIMI_CODE, OPENROUTER, FIREWORKS, TOGETHER);
  }

  /**
   * Tells whether this host answers no call without a key: Moonshot's API at any URL (a proxy's
   * included), and a hosted platform (OpenRouter, Fireworks, Together) at its own URL. A team's own
   * server ({@link #vllm}, {@link #sglang}, {@link #compatible}) may run without one, and a client
   * or a {@link Target} without a key then sends none.
   *
   * @return true when a key is needed
   */
  public boolean needsKey() {
    for (Host p : Presets.HOSTED) {
      boolean moonshots = p.moonshotApi() && p.name.equals(name);
      if (moonshots || p.endpoint.baseUrl().equals(endpoint.baseUrl())) {
        return true;
      }
    }
    return false;
  }

  /** Whether this is one of Moonshot's own platforms (open platform, China, Kimi Code). */
  private boolean moonshotApi() {
    return this == MOONSHOT || this == MOONSHOT_CHINA || this == KIMI_CODE;
  }

  private Host atMoonshotsPrices() {
    return with(
        p -> {
          p.prices = null;
          p.moonshotPrices = true;
        });
  }

  private static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > 64) {
      throw new ConfigurationException(
          "a host's name must be 1 to 64 characters: " + name.length());
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        throw new ConfigurationException(
            "a host's name takes letters, digits, '.', '_' and '-' only (at index " + i + ")");
      }
    }
    return name;
  }

  /**
   * Returns this host at another base URL: the same dialect, such as {@link #OPENROUTER} through a
   * team's proxy, or a {@code FakeKimiServer} speaking the host's dialect.
   *
   * @param baseUrl the base URL
   * @return the host
   * @throws ConfigurationException if the URL is malformed
   */
  public Host withBaseUrl(String baseUrl) {
    Endpoint e = Endpoint.of(baseUrl);
    return with(p -> p.endpoint = e);
  }

  /**
   * Returns this host with the id it serves a Kimi model under, such as {@code ("kimi-k3",
   * "kimi-k3-fp8")} for a vLLM started with {@code --served-model-name kimi-k3-fp8}.
   *
   * @param kimiModel Kimi's id of the model, as the application names it
   * @param hostModel the host's id for it
   * @return the host
   * @throws IllegalArgumentException if either id is blank
   */
  public Host withModelId(String kimiModel, String hostModel) {
    notBlank(kimiModel, "kimiModel");
    notBlank(hostModel, "hostModel");
    Map<String, String> ids = new LinkedHashMap<>(modelIds);
    ids.put(kimiModel.toLowerCase(Locale.ROOT), hostModel);
    return with(p -> p.modelIds = Collections.unmodifiableMap(ids));
  }

  /**
   * Returns this host with a prefix that makes its id of every Kimi model not named with {@link
   * #withModelId}, such as OpenRouter's {@code moonshotai/} ({@code moonshotai/kimi-k3}).
   *
   * @param prefix the prefix; empty for none
   * @return the host
   */
  public Host withModelPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return with(p -> p.modelPrefix = prefix);
  }

  /**
   * Returns this host switching thinking another way.
   *
   * @param thinkingSwitch how it switches thinking and effort
   * @return the host
   */
  public Host withThinkingSwitch(ThinkingSwitch thinkingSwitch) {
    Objects.requireNonNull(thinkingSwitch, "thinkingSwitch");
    return with(p -> p.thinkingSwitch = thinkingSwitch);
  }

  /**
   * Returns this host reading an earlier turn's reasoning under another key in the history.
   *
   * @param key {@code "reasoning_content"} (Moonshot's, SGLang's) or {@code "reasoning"} (vLLM's
   *     from 0.16, OpenRouter's)
   * @return the host
   * @throws IllegalArgumentException if the key is neither
   */
  public Host withReasoningKey(String key) {
    if (!"reasoning_content".equals(key) && !"reasoning".equals(key)) {
      throw new IllegalArgumentException(
          "reasoningKey must be \"reasoning_content\" or \"reasoning\": " + key);
    }
    return with(p -> p.reasoningKey = key);
  }

  /**
   * Returns this host needing tool-call ids in another form in the history.
   *
   * @param toolCallIds the form
   * @return the host
   */
  public Host withToolCallIds(ToolCallIds toolCallIds) {
    Objects.requireNonNull(toolCallIds, "toolCallIds");
    return with(p -> p.toolCallIds = toolCallIds);
  }

  /**
   * Returns this host also saying it is overloaded with {@code status}, such as Groq's 498 for its
   * flex tier, besides 502, 503, 529 and Kimi's {@code engine_overloaded_error}.
   *
   * @param status an HTTP status from 400 to 599
   * @return the host
   * @throws IllegalArgumentException if the status is out of range
   */
  public Host withOverloadStatus(int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an overload status is a 4xx or 5xx: " + status);
    }
    Set<Integer> statuses = new TreeSet<>(overloadStatuses);
    statuses.add(status);
    return with(p -> p.overloadStatuses = Collections.unmodifiableSet(statuses));
  }

  /**
   * Returns this host taking the members of a chat message {@code schema} names: {@link
   * MessageSchema#STRICT} for a host that refuses a member it does not know.
   *
   * @param schema which members it takes
   * @return the host
   */
  public Host withMessageSchema(MessageSchema schema) {
    Objects.requireNonNull(schema, "schema");
    return with(p -> p.messageSchema = schema);
  }

  /**
   * Returns this host continuing a reply in another form, such as {@link
   * Continuation#CONTINUE_FINAL_MESSAGE} for a vLLM behind a gateway declared with {@link
   * #compatible}.
   *
   * @param continuation how it continues a reply
   * @return the host
   */
  public Host withContinuation(Continuation continuation) {
    Objects.requireNonNull(continuation, "continuation");
    return with(p -> p.continuation = continuation);
  }

  /** Fireworks' spelling of a model id: a dot between two digits written {@code p}. */
  private Host spellingDotsAsP() {
    return with(p -> p.dotsAsP = true);
  }

  /** Moonshot's API: a top-level field it does not take is taken and ignored, without a word. */
  private Host ignoringUnknownFields() {
    return with(p -> p.ignoresUnknownFields = true);
  }

  /**
   * Tells whether this host takes a top-level chat completions field of this name and does nothing
   * with it, without a word. Moonshot's API ({@link #MOONSHOT}, {@link #MOONSHOT_CHINA}, {@link
   * #KIMI_CODE}, and each at another base URL, such as a proxy's: {@link #moonshot(Endpoint)}) does
   * so with every field but those it documents, which are the fields {@link ChatRequest} sets
   * ({@code model}, {@code messages}, ..., {@code prompt_cache_options}) and the deprecated {@code
   * max_tokens} (kimi-api.md, "Changes of 2026-11-28, fourth look": a client's catalogue verified
   * it against api.moonshot.ai; one report saw a 400 instead, possibly through a relay). For every
   * other host nothing is known to be ignored so: Fireworks refuses a field it does not take with a
   * 400 of its own, and vLLM, SGLang, OpenRouter and Together take many fields the SDK does not
   * model, so their fields are theirs to judge. Only the name is compared; what a field holds is
   * not looked at.
   *
   * @param field a top-level member of a chat completions request, such as {@code "seed"}
   * @return true when this host is known to ignore it
   */
  public boolean ignoresField(String field) {
    Objects.requireNonNull(field, "field");
    return ignoresUnknownFields && !field.equals("max_tokens") && !RequestFields.contains(field);
  }

  /**
   * Lists the fields of {@code request} this host would take and ignore ({@link #ignoresField}):
   * the members of its extra body ({@link ChatRequest#extraBody()}) that are not among the fields
   * the host documents, but those named in {@code deliberateFields}, each as a sentence that names
   * the field, the host, the model, the rule ({@code ignored-field}) and the fix, such as {@code
   * Moonshot's API takes no top-level field "seed" ...}. Such a request would be answered, and
   * billed, as if the field were not there. A client runs this check before every chat and stream
   * call sent over {@link WireProtocol#CHAT_COMPLETIONS} to this host (the extra body of another
   * protocol carries that protocol's own fields), with the fields marked deliberate on it ({@code
   * KimiClient.Builder.deliberateFields}), and refuses a request with any problem (a {@code
   * PreflightException}, as for the model's rules; {@code modelChecks(false)} turns both off).
   *
   * <pre>{@code
   * ChatRequest seeded =
   *     ChatRequest.builder("kimi-k3").addUser("Hi").extraBody("seed", JsonNumber.of(7)).build();
   * Host.MOONSHOT.problems(seeded, Set.of());        // [Moonshot's API takes no top-level field "seed" ...]
   * Host.MOONSHOT.problems(seeded, Set.of("seed"));  // []: sent as it is
   * Host.vllm("http://vllm:8000/v1").problems(seeded, Set.of()); // []: vLLM's to judge
   * }</pre>
   *
   * @param request the request, in Kimi's form (before the host's dialect translates it)
   * @param deliberateFields fields sent deliberately, which are not judged
   * @return the problems, empty when none is found
   * @throws NullPointerException if an argument is null
   */
  public List<String> problems(ChatRequest request, Set<String> deliberateFields) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(deliberateFields, "deliberateFields");
    if (!ignoresUnknownFields || request.extraBody().isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String field : request.extraBody().keySet()) {
      if (ignoresField(field) && !deliberateFields.contains(field)) {
        out.add(
            "Moonshot's API (host "
                + name
                + ") takes no top-level field \""
                + UserCode.given(field)
                + "\" and ignores it, so "
                + request.model()
                + " would answer, and bill, as if it were not sent (rule ignored-field); leave it"
                + " out, or mark \""
                + UserCode.given(field)
                + "\" deliberate (KimiClient.Builder.deliberateFields) if a relay or a newer Kimi"
                + " reads it");
      }
    }
    return List.copyOf(out);
  }

  /**
   * Returns this host at the team's prices: the cost of each reply it serves and the client's
   * {@code spend()} are priced with {@code prices} (looked up under Kimi's ids), rather than left
   * unknown.
   *
   * @param prices the host's prices
   * @return the host
   */
  public Host withPrices(PriceTable prices) {
    Objects.requireNonNull(prices, "prices");
    return with(
        p -> {
          p.prices = prices;
          p.moonshotPrices = false;
        });
  }

  /**
   * Returns the host's short name, such as {@code "vllm"}.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the host's base URL.
   *
   * @return the endpoint
   */
  public Endpoint endpoint() {
    return endpoint;
  }

  /**
   * Returns the id this host serves {@code kimiModel} under: a declared one, else the id with the
   * host's prefix, else the id itself.
   *
   * @param kimiModel Kimi's id of a model
   * @return the host's id
   */
  public String modelId(String kimiModel) {
    Objects.requireNonNull(kimiModel, "kimiModel");
    String declared = modelIds.get(kimiModel.toLowerCase(Locale.ROOT));
    if (declared != null) {
      return declared;
    }
    if (!modelPrefix.isEmpty() && startsWithIgnoreCase(kimiModel, modelPrefix)) {
      return kimiModel;
    }
    return modelPrefix + (dotsAsP ? respell(kimiModel, '.', 'p') : kimiModel);
  }

  /** Writes each {@code from} between two digits as {@code to}: {@code kimi-k2.5} as k2p5. */
  private static String respell(String id, char from, char to) {
    char[] c = null;
    for (int i = 1; i < id.length() - 1; i++) {
      if (id.charAt(i) == from && isDigit(id.charAt(i - 1)) && isDigit(id.charAt(i + 1))) {
        c = c == null ? id.toCharArray() : c;
        c[i] = to;
      }
    }
    return c == null ? id : new String(c);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * Returns Kimi's id of a model this host names {@code hostModel}: the reverse of {@link
   * #modelId}, so that a reply's model is priced and a request naming the host's id is judged by
   * Kimi's rules for that model; {@code hostModel} itself when the host declares no such id.
   *
   * @param hostModel a model id as the host names it
   * @return Kimi's id, or {@code hostModel}
   */
  public String kimiModel(String hostModel) {
    Objects.requireNonNull(hostModel, "hostModel");
    for (Map.Entry<String, String> e : modelIds.entrySet()) {
      if (e.getValue().equalsIgnoreCase(hostModel)) {
        return e.getKey();
      }
    }
    if (!modelPrefix.isEmpty() && startsWithIgnoreCase(hostModel, modelPrefix)) {
      String id = hostModel.substring(modelPrefix.length());
      return dotsAsP ? respell(id, 'p', '.') : id;
    }
    return hostModel;
  }

  /**
   * Returns the model ids this host declares, Kimi's id to the host's.
   *
   * @return the ids, Kimi's in lower case
   */
  public Map<String, String> modelIds() {
    return modelIds;
  }

  /**
   * Returns how this host switches thinking.
   *
   * @return the switch
   */
  public ThinkingSwitch thinkingSwitch() {
    return thinkingSwitch;
  }

  /**
   * Returns the key an earlier turn's reasoning is sent back under.
   *
   * @return {@code "reasoning_content"} or {@code "reasoning"}
   */
  public String reasoningKey() {
    return reasoningKey;
  }

  /**
   * Returns the form of tool-call ids this host's history needs.
   *
   * @return the form
   */
  public ToolCallIds toolCallIds() {
    return toolCallIds;
  }

  /**
   * Returns which members of a chat message this host takes.
   *
   * @return the schema
   */
  public MessageSchema messageSchema() {
    return messageSchema;
  }

  /**
   * Returns how this host continues a reply.
   *
   * @return the form
   */
  public Continuation continuation() {
    return continuation;
  }

  /**
   * Returns the HTTP statuses with which this host says it is overloaded.
   *
   * @return the statuses
   */
  public Set<Integer> overloadStatuses() {
    return overloadStatuses;
  }

  /**
   * Returns this host's prices, when known.
   *
   * @return the prices, or empty when the team gave none and the host is not Moonshot's
   */
  public Optional<PriceTable> prices() {
    if (prices == null && moonshotPrices) {
      // made when asked, not when the class loads: a client that never prices loads no table
      return Optional.of(PriceTable.defaults());
    }
    return Optional.ofNullable(prices);
  }

  /**
   * Tells whether this host speaks Moonshot's dialect throughout: its model ids, thinking switch,
   * reasoning key, tool-call ids, message schema and continuation as Moonshot's API takes them, so
   * that a request is sent as it is.
   *
   * @return true when nothing is translated
   */
  public boolean speaksMoonshot() {
    return modelIds.isEmpty()
        && modelPrefix.isEmpty()
        && thinkingSwitch == ThinkingSwitch.MOONSHOT
        && reasoningKey.equals("reasoning_content")
        && toolCallIds == ToolCallIds.AS_SENT
        && messageSchema == MessageSchema.OPEN
        && continuation == Continuation.PARTIAL;
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  private static void notBlank(String s, String name) {
    Objects.requireNonNull(s, name);
    if (s.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Host h
        && h.name.equals(name)
        && h.endpoint.equals(endpoint)
        && h.modelIds.equals(modelIds)
        && h.modelPrefix.equals(modelPrefix)
        && h.thinkingSwitch == thinkingSwitch
        && h.reasoningKey.equals(reasoningKey)
        && h.toolCallIds == toolCallIds
        && h.overloadStatuses.equals(overloadStatuses)
        && Objects.equals(h.prices, prices)
        && h.moonshotPrices == moonshotPrices
        && h.messageSchema == messageSchema
        && h.continuation == continuation
        && h.dotsAsP == dotsAsP
        && h.ignoresUnknownFields == ignoresUnknownFields;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name,
        endpoint,
        modelIds,
        thinkingSwitch,
        reasoningKey,
        toolCallIds,
        messageSchema,
        continuation);
  }

  /** Returns the name and base URL. */
  @Override
  public String toString() {
    return "Host[" + name + " " + endpoint.baseUrl() + "]";
  }
}
