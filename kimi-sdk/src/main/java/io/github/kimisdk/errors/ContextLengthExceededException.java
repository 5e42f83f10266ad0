package io.github.kimisdk.errors;

import java.util.OptionalLong;

/**
 * The input, or the input plus {@code max_completion_tokens}, exceeds the model's context window
 * ("Input token length too long", "Your request exceeded model token limit: N"). Trim the history
 * or lower the output cap.
 */
public final class ContextLengthExceededException extends InvalidRequestException {

  private static final long serialVersionUID = 1L;

  private final long tokenLimit;
  private final long requestedTokens;

  ContextLengthExceededException(ApiError e, long tokenLimit, long requestedTokens) {
    super(e);
    this.tokenLimit = tokenLimit;
    this.requestedTokens = requestedTokens;
  }

  /**
   * Returns the model's token limit when Kimi's message states it.
   *
   * @return the limit in tokens, or empty
   */
  public OptionalLong tokenLimit() {
    return tokenLimit < 0 ? OptionalLong.empty() : OptionalLong.of(tokenLimit);
  }

  /**
   * Returns the number of tokens the request needed when Kimi's message states it.
   *
   * @return the requested tokens, or empty
   */
  public OptionalLong requestedTokens() {
    return requestedTokens < 0 ? OptionalLong.empty() : OptionalLong.of(requestedTokens);
  }
}
