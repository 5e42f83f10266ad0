package io.github.kimisdk.errors;

/**
 * Kimi's content filter rejected the input or the output ({@code content_filter}). Retrying the
 * same request does not help; change the input.
 */
public final class ContentFilterException extends ApiException {

  private static final long serialVersionUID = 1L;

  ContentFilterException(ApiError e) {
    super(e);
  }
}
