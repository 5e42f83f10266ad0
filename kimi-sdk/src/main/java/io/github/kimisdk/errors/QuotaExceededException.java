package io.github.kimisdk.errors;

/**
 * The account cannot be served until its owner acts: the balance or plan quota is used up, or the
 * account is suspended ({@code exceeded_current_quota_error}, or Kimi Code's usage limits). Never
 * retried automatically.
 */
public final class QuotaExceededException extends ApiException {

  private static final long serialVersionUID = 1L;

  private final boolean suspended;

  QuotaExceededException(ApiError e, boolean suspended) {
    super(e);
    this.suspended = suspended;
  }

  /**
   * Tells whether Kimi reported the account as suspended rather than out of balance.
   *
   * @return true for a suspended account
   */
  public boolean isAccountSuspended() {
    return suspended;
  }
}
