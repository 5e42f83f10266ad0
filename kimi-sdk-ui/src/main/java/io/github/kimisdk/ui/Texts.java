package io.github.kimisdk.ui;

import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.ContentFilterException;
import io.github.kimisdk.errors.ContextLengthExceededException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.QuotaExceededException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.Spend;
import java.util.regex.Pattern;

/**
 * What a page is told: an error's text (fixed sentences by the kind of failure, never an
 * exception's message, which may quote a server, nor a stack trace), a tool result without the
 * idempotency keys a tool may have echoed, and the metadata of a message's usage and cost.
 * Stateless.
 */
final class Texts {
  private Texts() {}

  /** A run's idempotency key ({@code kimi-} and 40 hex digits), which is for tools, not pages. */
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("kimi-[0-9a-f]{40}");

  /** The longest tool result a page is sent; the rest is cut with a note. */
  static final int MAX_OUTPUT_CHARS = 64 * 1024;

  /** Returns a failure as the sentence a page shows. */
  static String error(Throwable t) {
    if (t instanceof RateLimitException || t instanceof QuotaExceededException) {
      return "Kimi is rate limiting this account; try again in a moment.";
    }
    if (t instanceof AuthenticationException) {
      return "The server's Kimi credentials were refused; tell the site's operators.";
    }
    if (t instanceof ContextLengthExceededException) {
      return "The conversation is longer than the model's window; start a new chat.";
    }
    if (t instanceof ContentFilterException) {
      return "Kimi's content filter stopped the reply.";
    }
    if (t instanceof KimiTimeoutException || t instanceof ConnectionException) {
      return "Kimi did not answer in time; try again.";
    }
    if (t instanceof CancelledException) {
      return "The reply was cancelled.";
    }
    if (t instanceof StreamException) {
      return "The reply broke off before it ended; try again.";
    }
    if (t instanceof ApiException a) {
      return "Kimi refused the request (HTTP " + a.status() + ").";
    }
    return "The server failed to answer; try again.";
  }

  /** Returns {@code text} without idempotency keys. */
  static String scrub(String text) {
    return text.indexOf("kimi-") < 0
        ? text
        : IDEMPOTENCY_KEY.matcher(text).replaceAll("[idempotency key]");
  }

  /**
   * Returns where the longest end of {@code text} that may be the start of an idempotency key
   * begins (that end is held back until more text tells), or {@code text.length()} when none.
   */
  static int heldFrom(CharSequence text) {
    int n = text.length();
    for (int i = Math.max(0, n - 44); i < n; i++) {
      if (text.charAt(i) == 'k' && couldStartKey(text, i)) {
        return i;
      }
    }
    return n;
  }

  private static boolean couldStartKey(CharSequence text, int from) {
    String prefix = "kimi-";
    int n = text.length();
    for (int j = from; j < n; j++) {
      int k = j - from;
      char c = text.charAt(j);
      if (k < prefix.length()) {
        if (c != prefix.charAt(k)) {
          return false;
        }
      } else if (k >= prefix.length() + 40 || !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A tool's result as a page sees it: without idempotency keys, at most {@link #MAX_OUTPUT_CHARS}.
   */
  static String output(String content) {
    String s = scrub(content);
    if (s.length() > MAX_OUTPUT_CHARS) {
      s =
          s.substring(0, MAX_OUTPUT_CHARS)
              + "\n[cut: the result has "
              + s.length()
              + " characters; the page is sent the first "
              + MAX_OUTPUT_CHARS
              + "]";
    }
    return s;
  }

  /** A message's metadata: its tokens and, when priced, its cost. */
  static JsonObject.Builder metadata(Spend spend) {
    JsonObject usage =
        JsonObject.builder()
            .put("inputTokens", spend.promptTokens())
            .put("cachedInputTokens", spend.cachedTokens())
            .put("outputTokens", spend.completionTokens())
            .put("reasoningTokens", spend.reasoningTokens())
            .put("totalTokens", spend.totalTokens())
            .build();
    JsonObject.Builder b = JsonObject.builder().put("usage", usage);
    Cost cost = spend.cost().orElse(null);
    if (cost != null) {
      b.put(
          "cost",
          JsonObject.builder()
              .put("amount", cost.total().toPlainString())
              .put("currency", cost.currency().getCurrencyCode())
              .build());
    }
    return b;
  }
}
