package io.github.kimisdk.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.TokenCountEstimator;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.langchain4j.internal.Requests;
import io.github.kimisdk.token.KimiTokenizer;
import io.github.kimisdk.token.RequestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Counts tokens with Kimi's own tokenizer ({@link KimiTokenizer}, the byte-level BPE of Kimi K2 and
 * K3), for LangChain4j's token-window chat memory and document splitters. Text is counted exactly;
 * a message is counted with the tokens Kimi's chat template puts around it, and a list of messages
 * as a prompt of them alone (the template's default system message when none leads, and the
 * generation prompt), as {@link RequestTokens} describes; images and video are estimates.
 *
 * <pre>{@code
 * TokenCountEstimator tokens = new KimiTokenCountEstimator();   // Kimi's vocabulary, loaded once
 * ChatMemory memory = TokenWindowChatMemory.withMaxTokens(100_000, tokens);
 * }</pre>
 *
 * <p>The vocabulary is Moonshot's {@code tiktoken.model}, which the SDK does not bundle: {@link
 * KimiTokenizer#standard()} reads the file {@code KIMI_TOKENIZER_VOCAB} names, or its cache, or
 * fetches it once (checked by its SHA-256); or pass a tokenizer you loaded. Instances are immutable
 * and thread-safe.
 */
public final class KimiTokenCountEstimator implements TokenCountEstimator {

  private final KimiTokenizer tokenizer;
  private final RequestTokens requests;

  /**
   * Counts with Moonshot's published vocabulary ({@link KimiTokenizer#standard()}).
   *
   * @throws java.io.UncheckedIOException if the vocabulary cannot be read or fetched
   */
  public KimiTokenCountEstimator() {
    this(KimiTokenizer.standard());
  }

  /**
   * Counts with {@code tokenizer}.
   *
   * @param tokenizer the tokenizer
   */
  public KimiTokenCountEstimator(KimiTokenizer tokenizer) {
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.requests = RequestTokens.exact(tokenizer);
  }

  /**
   * Counts the tokens of a text, exactly.
   *
   * @param text the text
   * @return its tokens
   */
  @Override
  public int estimateTokenCountInText(String text) {
    return tokenizer.count(text);
  }

  /**
   * Counts one message with its template tokens (role marker, name, end marker; an assistant
   * message's reasoning and tool calls).
   *
   * @param message the message
   * @return its tokens
   * @throws dev.langchain4j.exception.UnsupportedFeatureException for content Kimi does not take
   */
  @Override
  public int estimateTokenCountInMessage(ChatMessage message) {
    return requests.countMessage(Requests.message(message));
  }

  /**
   * Counts messages as a prompt of their own: each message, plus the default system message when
   * the first is not a system message, plus the generation prompt.
   *
   * @param messages the messages
   * @return their tokens
   * @throws dev.langchain4j.exception.UnsupportedFeatureException for content Kimi does not take
   */
  @Override
  public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
    List<ChatMessage> list = new ArrayList<>();
    messages.forEach(list::add);
    List<Message> mapped = Requests.messages(list);
    return requests.count(mapped);
  }
}
