package io.github.kimisdk;

import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.RateLimitException;

/**
 * The wire format a {@link KimiClient} speaks for chat: Kimi's OpenAI-compatible chat completions
 * (the default), its Anthropic-compatible Messages API, or its OpenAI-style Responses API. The same
 * {@link io.github.kimisdk.chat.ChatRequest}, {@link io.github.kimisdk.chat.ChatCompletion}, {@link
 * io.github.kimisdk.chat.ChatStream} and exceptions work with all three; only the bytes on the wire
 * differ. How a request maps onto Responses is told on {@link #RESPONSES}. What each protocol
 * writes, drops or refuses of every request component is declared once, on the protocol's wire, and
 * a test holds the protocol, and the lists below, to that declaration.
 *
 * <pre>{@code
 * KimiClient kimi = KimiClient.builder()
 *     .apiKey(key)
 *     .wireProtocol(WireProtocol.ANTHROPIC_MESSAGES) // https://api.moonshot.ai/anthropic
 *     .build();
 * }</pre>
 *
 * <p>How a request maps onto Messages ({@code POST <base>/v1/messages}, headers {@code x-api-key}
 * and {@code anthropic-version: 2023-06-01}):
 *
 * <ul>
 *   <li>System messages, wherever they are, are joined in order (blank line between) into the
 *       top-level {@code system}; user and assistant messages become content blocks; tool results
 *       become {@code tool_result} blocks, consecutive ones (and a user message right after them)
 *       merged into one user turn.
 *   <li>Assistant history: reasoning becomes a {@code thinking} block (with its {@link
 *       io.github.kimisdk.chat.AssistantMessage#reasoningSignature() signature} when there is one),
 *       tool calls become {@code tool_use} blocks, a partial assistant message becomes the prefill
 *       that the reply continues.
 *   <li>Images must be {@code data:} URLs (base64 image blocks); {@code ms://} file references and
 *       videos have no Messages equivalent and are refused.
 *   <li>{@code maxCompletionTokens} becomes {@code max_tokens}, which Messages requires: when the
 *       request has none, {@value #DEFAULT_MAX_TOKENS} is sent.
 *   <li>{@link io.github.kimisdk.chat.Thinking#enabled()} becomes {@code thinking: {"type":
 *       "enabled", "budget_tokens": max_tokens - 1}} (at least 1024): Kimi's thinking has no
 *       separate budget, so the whole allowance is offered. {@link
 *       io.github.kimisdk.chat.Thinking#disabled()} becomes {@code {"type":"disabled"}}. An effort,
 *       from {@link io.github.kimisdk.chat.Thinking#withEffort(String)} or {@link
 *       io.github.kimisdk.chat.ChatRequest.Builder#reasoningEffort(String)}, becomes {@code
 *       output_config.effort}, where Kimi's Messages endpoints read it (reported by third parties
 *       only). Over chat completions the effort is sent as set ({@code thinking.effort} or {@code
 *       reasoning_effort}), and {@code thinking.budget_tokens} never, since Kimi ignores it there.
 *   <li>Function tools become {@code {name, description, input_schema}} ({@code strict} is
 *       dropped); tool choice {@code auto}, {@code none}, {@code required} and a named function
 *       become {@code auto}, {@code none}, {@code any} and {@code tool}.
 *   <li>{@code stop} becomes {@code stop_sequences}; {@code temperature}, {@code top_p} and {@code
 *       stream} keep their names; the safety identifier becomes {@code metadata.user_id}; extra
 *       body fields are written as they are.
 *   <li>Dropped, because Messages has no such field and leaving it out changes nothing the caller
 *       sees: {@code includeUsage} (usage always arrives), {@code promptCacheKey}, a text {@code
 *       responseFormat}, {@code n} = 1, the name of a message in {@code messages}, the {@code keep}
 *       of {@code thinking} (thinking blocks sent back in the history carry the reasoning instead),
 *       {@code reasoningEffort} beside an effort in the thinking setting (which wins), and a
 *       five-minute {@code promptCacheTtl} (Kimi's default).
 *   <li>Refused with a {@link ConfigurationException}, because dropping them would change the
 *       answer: {@code n} above 1, {@code presencePenalty} and {@code frequencyPenalty}, {@code
 *       logprobs} and {@code topLogprobs}, a {@code prediction}, a JSON {@code responseFormat},
 *       built-in {@code tools} such as {@code $web_search}, in {@code messages} tools declared in a
 *       system message, videos, images that are not {@code data:} URLs (such as {@code ms://}
 *       files), an empty assistant message and tool-call arguments that are not a JSON object; an
 *       {@code extraBody} holding {@code output_config} beside an effort; and a one-hour {@code
 *       promptCacheTtl}: Kimi documents no way to ask its Messages surface for one, and Anthropic's
 *       {@code cache_control} (with its {@code ttl}) is never sent, since it is not known to reach
 *       Kimi's cache.
 * </ul>
 *
 * <p>Replies map back as: text blocks joined into the content, thinking blocks into the reasoning
 * (and its signature), {@code tool_use} blocks into tool calls with JSON-text arguments; stop
 * reasons {@code end_turn} and {@code stop_sequence} to {@code stop}, {@code max_tokens} to {@code
 * length}, {@code tool_use} to {@code tool_calls}, {@code refusal} to {@code content_filter}; usage
 * {@code input_tokens} plus cache reads and writes to prompt tokens, cache reads to cached tokens,
 * cache writes ({@code cache_creation_input_tokens}) to cache-write tokens, priced at five minutes.
 * Streams map {@code message_start}, {@code content_block_*}, {@code message_delta} and {@code
 * message_stop} events onto chunks (tool-call fragments by block index), so {@link
 * io.github.kimisdk.chat.ChatAccumulator} and an agent's loop ({@code kimi-sdk-agents}) behave the
 * same. Anthropic error envelopes map onto the same exceptions and retry rules ({@code
 * overloaded_error} is an {@link EngineOverloadedException}, {@code rate_limit_error} a {@link
 * RateLimitException}, and so on).
 *
 * <p>Only chat runs over Messages: files, batches, models, balance and token counting exist only on
 * the chat-completions surface, and a client on this protocol refuses them with a {@link
 * ConfigurationException}; use a second client for them.
 */
public enum WireProtocol {

  /**
   * OpenAI-compatible chat completions, {@code POST <base>/chat/completions} (the default): every
   * component of a request is written under Kimi's name for it ({@code maxCompletionTokens} as
   * {@code max_completion_tokens}, {@code promptCacheTtl} as {@code prompt_cache_options}, extra
   * body fields as they are).
   *
   * <ul>
   *   <li>Dropped: {@code includeUsage} when the request is not streamed (a whole reply always
   *       carries its usage).
   *   <li>Refused: none.
   * </ul>
   */
  CHAT_COMPLETIONS,

  /** Anthropic-compatible Messages, {@code POST <base>/v1/messages}. */
  ANTHROPIC_MESSAGES,

  /**
   * OpenAI-style Responses, {@code POST <base>/responses} on the chat-completions base (Kimi's
   * third surface since September 2026, the one Moonshot's own client uses for a model whose {@code
   * GET /models} entry says {@code "protocol": "response"}). Kimi keeps no state there, so every
   * request says {@code store: false} and carries the whole conversation; files, batches, models,
   * balance and token counting stay served on the same base.
   *
   * <ul>
   *   <li>Messages become {@code input} items in order: system messages {@code message} items with
   *       role {@code system}; user messages {@code input_text} and {@code input_image} parts (a
   *       single text as a string); an assistant message its reasoning as a {@code reasoning} item
   *       ({@code summary_text}, its {@link
   *       io.github.kimisdk.chat.AssistantMessage#reasoningSignature() signature} as {@code
   *       encrypted_content}), its text as an {@code output_text} message and each tool call as a
   *       {@code function_call}; tool results {@code function_call_output}.
   *   <li>{@code maxCompletionTokens} becomes {@code max_output_tokens}; a JSON response format
   *       {@code text.format}; function tools flat {@code {type, name, description, parameters,
   *       strict}}; Kimi's built-in {@code $web_search} ({@link
   *       io.github.kimisdk.tool.Tool#webSearch()}) the Responses tool {@code {"type":
   *       "web_search"}}, which Kimi runs itself, so no call comes back to be answered; a named
   *       tool choice {@code {"type":"function","name":...}}; an effort {@code reasoning: {effort,
   *       summary: "auto"}}; {@link io.github.kimisdk.chat.Thinking} is sent as Kimi's own {@code
   *       thinking} member (its type and {@code keep}), as on chat completions: whether the
   *       Responses surface reads it is not documented. Temperature, {@code top_p}, {@code stream},
   *       {@code prompt_cache_key}, the safety identifier and extra body fields keep their names.
   *   <li>Dropped, changing nothing: {@code includeUsage} (usage always arrives), {@code n} = 1,
   *       {@code presencePenalty} and {@code frequencyPenalty} of 0, a text {@code responseFormat},
   *       the name of a message in {@code messages}, {@code reasoningEffort} beside an effort in
   *       the thinking setting (which wins), and a five-minute {@code promptCacheTtl} (Kimi's
   *       default).
   *   <li>Refused with a {@link ConfigurationException}, because dropping them would change the
   *       answer: {@code n} above 1, a non-zero {@code presencePenalty} or {@code
   *       frequencyPenalty}, {@code stop} sequences, {@code logprobs} and {@code topLogprobs}, a
   *       {@code prediction}, built-in {@code tools} other than {@code $web_search}, in {@code
   *       messages} tools declared in a system message, videos, {@code ms://} images, an empty
   *       assistant message and a partial one (prefill), a one-hour {@code promptCacheTtl} (Kimi
   *       documents no way to ask for it on this surface), and an {@code extraBody} holding {@code
   *       reasoning} beside an effort, or {@code defer_loading}, {@code search_context_size},
   *       {@code blocked_domains} or {@code prompt_cache_breakpoint}, which Kimi answers with a
   *       400.
   *   <li>Kimi's Responses surface also takes {@code namespace} tools (function tools grouped under
   *       a name) and the {@code custom} tool {@code apply_patch}; a {@code ChatRequest} has no
   *       form for either, so send such a request as it is with {@link KimiClient#request(String,
   *       String, io.github.kimisdk.json.JsonValue)}.
   * </ul>
   *
   * <p>Replies map back as: {@code output_text} parts joined into the content, reasoning summaries
   * (else {@code reasoning_text}) into the reasoning, {@code function_call} items into tool calls;
   * status {@code completed} to {@code stop} (or {@code tool_calls} when the output calls tools),
   * {@code incomplete} for {@code max_output_tokens} to {@code length}, for {@code content_filter}
   * to {@code content_filter}, and without {@code incomplete_details} to {@code length} (an answer
   * cut short, as most clients read it); usage {@code input_tokens} to prompt tokens, {@code
   * input_tokens_details.cached_tokens} to cached tokens, {@code cache_write_tokens} there (else
   * {@code cache_creation_input_tokens}) to cache-write tokens, {@code
   * output_tokens_details.reasoning_tokens} to reasoning tokens. Streams map {@code
   * response.output_text.delta}, {@code response.reasoning_summary_text.delta}, {@code
   * function_call} items and their argument deltas, and {@code response.completed} or {@code
   * response.incomplete} onto chunks, so {@link io.github.kimisdk.chat.ChatAccumulator} and an
   * agent's loop ({@code kimi-sdk-agents}) behave the same. An output item is the one at its {@code
   * output_index}, whatever ids the events and the final object give it (gateways rename items from
   * event to event), and the final object adds only what the events did not deliver. An {@code
   * error} or {@code response.failed} event fails the stream with the exception its code names
   * (else its type), and a body that ends before the last event is a truncated stream.
   */
  RESPONSES;

  /** The {@code max_tokens} sent over Messages when a request sets no output cap. */
  public static final int DEFAULT_MAX_TOKENS = 32768;

  /**
   * Returns the protocol for a setting such as the {@code KIMI_PROTOCOL} environment variable:
   * {@code anthropic}, {@code anthropic-messages} or {@code messages} for {@link
   * #ANTHROPIC_MESSAGES}; {@code openai}, {@code chat-completions} or {@code chat} for {@link
   * #CHAT_COMPLETIONS}; {@code responses}, {@code response} or {@code openai-responses} for {@link
   * #RESPONSES}. Case, surrounding blanks and {@code _} versus {@code -} do not matter.
   *
   * @param value the setting
   * @return the protocol
   * @throws ConfigurationException if the value names no protocol
   * @throws NullPointerException if {@code value} is null
   */
  public static WireProtocol parse(String value) {
    return parse(value, "The wire protocol");
  }

  static WireProtocol parse(String value, String source) {
    String v = value.strip().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    switch (v) {
      case "anthropic":
      case "anthropic-messages":
      case "messages":
        return ANTHROPIC_MESSAGES;
      case "openai":
      case "chat-completions":
      case "chat":
        return CHAT_COMPLETIONS;
      case "responses":
      case "response":
      case "openai-responses":
        return RESPONSES;
      default:
        throw new ConfigurationException(
            source
                + " '"
                + value
                + "' is not a protocol; use 'anthropic' (Anthropic Messages), 'responses'"
                + " (OpenAI-style Responses) or 'chat-completions' (the OpenAI-compatible"
                + " default)");
    }
  }
}
