package io.github.kimisdk;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.client.ClientScope;
import java.util.concurrent.CompletableFuture;

/**
 * Kimi's own token count of a request ({@code /tokenizers/estimate-token-count}), reached through
 * {@link KimiClient#tokens()}. It is a call to Kimi; counting on this machine, with no call, is
 * {@link io.github.kimisdk.token.RequestTokens} (an estimate, or exact with {@link
 * io.github.kimisdk.token.KimiTokenizer}).
 *
 * <pre>{@code
 * int tokens = kimi.tokens().count(ChatRequest.of("kimi-k2.6", "How long is this prompt?"));
 * }</pre>
 *
 * <p>Each operation has a blocking form, which throws a {@link KimiException}, and an {@code
 * ...Async} form, whose future completes exceptionally with one (cancelling it aborts the
 * exchange). Settings of a call's own come from a derived client ({@link
 * KimiClient#withOptions(RequestOptions)}).
 */
public final class KimiTokens {

  private final ClientScope scope;

  KimiTokens(ClientScope scope) {
    this.scope = scope;
  }

  /**
   * Asks Kimi how many prompt tokens a request's messages cost ({@code POST
   * /tokenizers/estimate-token-count}). This is the server's own count, images and video included;
   * only {@code model} and {@code messages} are sent, as Moonshot documents, so tool definitions
   * are not counted.
   *
   * @param request the request whose prompt is counted
   * @return the total tokens
   * @throws KimiException if the call fails
   * @throws IllegalStateException if the client is closed
   */
  public int count(ChatRequest request) {
    return scope.await(countAsync(request));
  }

  /**
   * Asks Kimi for a request's prompt tokens without blocking (see {@link #count(ChatRequest)}).
   *
   * @param request the request whose prompt is counted
   * @return the future total
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<Integer> countAsync(ChatRequest request) {
    return scope.countTokens(request);
  }
}
