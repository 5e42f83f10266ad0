package io.github.kimisdk.token;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.chat.completions.MessageForm;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Counts the prompt tokens of a chat request: the text of every message plus the tokens Kimi's chat
 * template puts around it, with an exact tokenizer ({@link #exact(KimiTokenizer)}) or the
 * vocabulary-free estimator ({@link #estimated(TokenEstimator)}).
 *
 * <pre>{@code
 * RequestTokens exact = RequestTokens.exact(KimiTokenizer.load(Path.of("tiktoken.model")));
 * RequestTokens.Count c = exact.count(request);
 * c.total();      // text + template + media
 * c.template();   // role markers, <|im_middle|>, <|im_end|>, tool-call markers ...
 * int quick = RequestTokens.estimated().count(request).total();
 * }</pre>
 *
 * <p><b>The template.</b> The request is rendered as Kimi K2's chat template does (the {@code
 * chat_template} published with {@code moonshotai/Kimi-K2-Instruct}); each special token counts as
 * one token and the text between two special tokens is counted as one piece, because the tokenizer
 * never merges across a special token:
 *
 * <ul>
 *   <li>tools, when there are any: {@code <|im_system|>tool_declare<|im_middle|>} + the {@code
 *       tools} array as compact JSON, as the request sends it + {@code <|im_end|>};
 *   <li>when the first message is not a system message, the template's default system message
 *       {@code <|im_system|>system<|im_middle|>}{@value #DEFAULT_SYSTEM_PROMPT}{@code <|im_end|>};
 *   <li>each message: a role marker ({@code <|im_user|>} for user, {@code <|im_assistant|>} for
 *       assistant, {@code <|im_system|>} for system and tool) + the message's {@code name}, or else
 *       its role ({@code user}, {@code assistant}, {@code system}, {@code tool}) + {@code
 *       <|im_middle|>} + the content + {@code <|im_end|>};
 *   <li>user content: consecutive text parts joined without separator; each image or video part is
 *       an estimate (below);
 *   <li>an assistant message with tool calls: its content, then {@code
 *       <|tool_calls_section_begin|>}, per call {@code <|tool_call_begin|>} + id + {@code
 *       <|tool_call_argument_begin|>} + the arguments string + {@code <|tool_call_end|>}, then
 *       {@code <|tool_calls_section_end|>};
 *   <li>a tool message: {@code ## Return of <tool_call_id>\n<content>};
 *   <li>a system message that declares tools (kimi-k3's dynamic tools): {@code tool_declare} + its
 *       {@code tools} array as compact JSON, in place of the name and content (an assumption, as
 *       for the request's tools);
 *   <li>reasoning ({@code reasoning_content}, when not empty) of the assistant messages after the
 *       last user message, or of all of them when the request sets {@code thinking.keep}: {@code
 *       <think>} + reasoning + {@code </think>}, the tags one token each; earlier reasoning is
 *       dropped, as the server ignores it;
 *   <li>the generation prompt {@code <|im_assistant|>assistant<|im_middle|>}.
 * </ul>
 *
 * <p><b>What is exact and what is not.</b> With {@link #exact(KimiTokenizer)}, every piece of text
 * above is counted exactly. The rendering itself is an assumption: Moonshot does not publish the
 * template its API runs, newer models (K2.5 and later) may declare tools in another format than
 * JSON, and the server may normalise tool schemas before rendering. Images and video are estimates:
 * {@value #DEFAULT_IMAGE_TOKENS} tokens per image and {@value #DEFAULT_VIDEO_TOKENS} per video by
 * default (Moonshot's CLI uses 2,000 for either), including their media markers; change them with
 * {@link #withMediaTokens(int, int)}. For the number the server will charge, ask it: {@code
 * KimiClient.countTokens(request)}. With {@link #estimated(TokenEstimator)} the text pieces are
 * estimated (see {@link TokenEstimator} for its errors) and the template tokens are counted the
 * same way.
 *
 * <p>Because every message starts and ends with a special token, the count of a request is the sum
 * of {@link #countMessage(Message)} over its messages plus {@link #overhead(ChatRequest)} (except
 * that {@link #countMessage(Message)} always counts reasoning, an upper bound). {@link
 * ContextBudget} trims conversations on that basis.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class RequestTokens {

  /** The system prompt Kimi's template inserts when a request starts without one. */
  public static final String DEFAULT_SYSTEM_PROMPT =
      "You are Kimi, an AI assistant created by Moonshot AI.";

  /** The default estimate for one image part, markers included: 2,000 tokens. */
  public static final int DEFAULT_IMAGE_TOKENS = 2_000;

  /** The default estimate for one video part, markers included: 2,000 tokens. */
  public static final int DEFAULT_VIDEO_TOKENS = 2_000;

  /** {@code <|im_X|>} + {@code <|im_middle|>} + {@code <|im_end|>}. */
  private static final int MESSAGE_SPECIALS = 3;

  private final ToIntFunction<String> text;
  private final boolean exact;
  private final int imageTokens;
  private final int videoTokens;

  private RequestTokens(
      ToIntFunction<String> text, boolean exact, int imageTokens, int videoTokens) {
    this.text = text;
    this.exact = exact;
    this.imageTokens = imageTokens;
    this.videoTokens = videoTokens;
  }

  /**
   * Returns a counter that counts text exactly with {@code tokenizer}.
   *
   * @param tokenizer the tokenizer
   * @return the counter
   * @throws NullPointerException if {@code tokenizer} is null
   */
  public static RequestTokens exact(KimiTokenizer tokenizer) {
    Objects.requireNonNull(tokenizer, "tokenizer");
    return new RequestTokens(tokenizer::count, true, DEFAULT_IMAGE_TOKENS, DEFAULT_VIDEO_TOKENS);
  }

  /**
   * Returns a counter that estimates text with {@code estimator}.
   *
   * @param estimator the estimator
   * @return the counter
   * @throws NullPointerException if {@code estimator} is null
   */
  public static RequestTokens estimated(TokenEstimator estimator) {
    Objects.requireNonNull(estimator, "estimator");
    return new RequestTokens(
        estimator::estimate, false, DEFAULT_IMAGE_TOKENS, DEFAULT_VIDEO_TOKENS);
  }

  /**
   * Returns a counter that estimates text with {@link TokenEstimator#forKimi()}.
   *
   * @return the counter
   */
  public static RequestTokens estimated() {
    return ESTIMATED;
  }

  private static final RequestTokens ESTIMATED = estimated(TokenEstimator.forKimi());

  /**
   * The last count, by identity of what it depends on: a client counts a request for its preflight
   * budget and again for its rate limiter's charge, and the second count is this one. Weakly held,
   * so it keeps no request alive.
   */
  private record Memo(
      WeakReference<List<Message>> messages,
      WeakReference<List<Tool>> tools,
      Thinking thinking,
      Count count) {

    boolean isFor(ChatRequest r) {
      return same(messages.get(), r.messages())
          && same(tools.get(), r.tools())
          && java.util.Objects.equals(thinking, r.thinking());
    }

    /** The same list, or an equal one (a request rebuilt with another flag copies its lists). */
    private static boolean same(List<?> kept, List<?> now) {
      return kept == now || (kept != null && kept.equals(now));
    }
  }

  private volatile Memo last;

  /**
   * Returns a copy that counts each image and video part as the given number of tokens.
   *
   * @param perImage tokens per image part, markers included
   * @param perVideo tokens per video part, markers included
   * @return the copy
   * @throws IllegalArgumentException if a value is negative
   */
  public RequestTokens withMediaTokens(int perImage, int perVideo) {
    if (perImage < 0 || perVideo < 0) {
      throw new IllegalArgumentException(
          "media token estimates must not be negative: " + perImage + ", " + perVideo);
    }
    return new RequestTokens(text, exact, perImage, perVideo);
  }

  /**
   * Tells whether text is counted exactly (with {@link KimiTokenizer}) rather than estimated.
   *
   * @return true for an exact counter
   */
  public boolean isExact() {
    return exact;
  }

  /**
   * The tokens of a prompt, by kind.
   *
   * @param text tokens of text: contents, names, ids, arguments, reasoning, the tools JSON
   * @param template special tokens the template adds (each counts one)
   * @param media the estimate for image and video parts
   * @param exact whether {@code text} was counted exactly
   */
  public record Count(int text, int template, int media, boolean exact) {

    /**
     * Returns the whole prompt.
     *
     * @return {@code text + template + media}
     */
    public int total() {
      return text + template + media;
    }
  }

  /**
   * Counts the prompt of a request: its messages and tools, rendered as described above.
   *
   * @param request the request
   * @return the count
   * @throws NullPointerException if {@code request} is null
   */
  public Count count(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    Memo m = last;
    if (m != null && m.isFor(request)) {
      return m.count();
    }
    Count c = countNow(request);
    last =
        new Memo(
            new WeakReference<>(request.messages()),
            new WeakReference<>(request.tools()),
            request.thinking(),
            c);
    return c;
  }

  private Count countNow(ChatRequest request) {
    Tally t = new Tally();
    overhead(request, t);
    List<Message> messages = request.messages();
    int lastUser = -1;
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i) instanceof UserMessage) {
        lastUser = i;
      }
    }
    boolean keepAll = request.thinking() != null && request.thinking().keep() != null;
    for (int i = 0; i < messages.size(); i++) {
      message(messages.get(i), keepAll || i > lastUser, t);
    }
    return new Count(t.text, t.specials, t.media, exact);
  }

  /**
   * Counts the messages alone, as if sent in a request without tools: their tokens plus the default
   * system message when the first is not a system message, and the generation prompt.
   *
   * @param messages the messages
   * @return the count
   * @throws NullPointerException if {@code messages} or an element is null
   */
  public int count(List<? extends Message> messages) {
    Tally t = new Tally();
    if (messages.isEmpty() || !(messages.get(0) instanceof SystemMessage)) {
      defaultSystem(t);
    }
    generationPrompt(t);
    for (Message m : messages) {
      message(m, true, t);
    }
    return t.total();
  }

  /**
   * Counts one message with its template tokens. Reasoning is always counted here, so this is an
   * upper bound for an assistant message whose reasoning the server would drop.
   *
   * @param message the message
   * @return its tokens
   * @throws NullPointerException if {@code message} is null
   */
  public int countMessage(Message message) {
    Tally t = new Tally();
    message(Objects.requireNonNull(message, "message"), true, t);
    return t.total();
  }

  /**
   * Counts what a request costs besides its messages: the tools declaration, the default system
   * message when the first message is not a system message, and the generation prompt.
   *
   * @param request the request
   * @return the tokens
   * @throws NullPointerException if {@code request} is null
   */
  public int overhead(ChatRequest request) {
    Tally t = new Tally();
    overhead(Objects.requireNonNull(request, "request"), t);
    return t.total();
  }

  private void overhead(ChatRequest request, Tally t) {
    if (!request.tools().isEmpty()) {
      t.specials += MESSAGE_SPECIALS;
      t.text("tool_declare");
      t.text(toolsJson(request));
    }
    if (!(request.messages().get(0) instanceof SystemMessage)) {
      defaultSystem(t);
    }
    generationPrompt(t);
  }

  private void defaultSystem(Tally t) {
    t.specials += MESSAGE_SPECIALS;
    t.text("system");
    t.text(DEFAULT_SYSTEM_PROMPT);
  }

  private void generationPrompt(Tally t) {
    t.specials += 2;
    t.text("assistant");
  }

  private static String toolsJson(ChatRequest request) {
    return MessageForm.toolsJson(request.tools()); // the tools exactly as the codec sends them
  }

  private void message(Message m, boolean withReasoning, Tally t) {
    t.specials += MESSAGE_SPECIALS;
    if (m instanceof SystemMessage s && s.declaresTools()) {
      // kimi-k3 renders dynamic tools as a tool declaration where the message stands
      t.text("tool_declare");
      t.text(MessageForm.toolsJson(s.tools()));
    } else if (m instanceof SystemMessage s) {
      t.text(s.name() != null ? s.name() : "system");
      t.text(s.content());
    } else if (m instanceof UserMessage u) {
      t.text(u.name() != null ? u.name() : "user");
      StringBuilder run = new StringBuilder();
      for (ContentPart p : u.content()) {
        if (p instanceof ContentPart.TextPart tp) {
          run.append(tp.text());
        } else {
          t.text(run.toString());
          run.setLength(0);
          t.media += p instanceof ContentPart.VideoPart ? videoTokens : imageTokens;
        }
      }
      t.text(run.toString());
    } else if (m instanceof AssistantMessage a) {
      t.text(a.name() != null ? a.name() : "assistant");
      String reasoning = a.reasoningContent();
      if (withReasoning && reasoning != null && !reasoning.isEmpty()) {
        t.specials += 2;
        t.text(reasoning);
      }
      t.text(a.content());
      if (!a.toolCalls().isEmpty()) {
        t.specials += 2;
        for (ToolCall c : a.toolCalls()) {
          t.specials += 3;
          t.text(c.id());
          t.text(c.arguments());
        }
      }
    } else if (m instanceof ToolMessage tm) {
      t.text(tm.name() != null ? tm.name() : "tool");
      t.text("## Return of " + tm.toolCallId() + "\n" + tm.content());
    } else {
      throw new AssertionError(m);
    }
  }

  /** Running totals of one count. */
  private final class Tally {
    int text;
    int specials;
    int media;

    void text(String s) {
      if (s != null && !s.isEmpty()) {
        text += RequestTokens.this.text.applyAsInt(s);
      }
    }

    int total() {
      return text + specials + media;
    }
  }
}
