package io.github.kimisdk.errors;

/**
 * The account cannot be served until its owner acts: its balance is used up (Moonshot's 429 {@code
 * exceeded_current_quota_error}, or its 403 "insufficient account balance": {@link
 * #isBalanceUsedUp()}), a plan's quota is used up (Kimi Code's usage limits), or the account is
 * suspended ({@link #isAccountSuspended()}). Never retried, and nothing pauses for it; on a client
 * with fallback targets the call moves to a target of another account.
 *
 * <pre>{@code
 * try {
 *   kimi.chat(request);
 * } catch (QuotaExceededException e) {
 *   if (e.isBalanceUsedUp()) {
 *     alerts.topUp(e.requestId().orElse(""));
 *   }
 * }
 * }</pre>
 */
public final class QuotaExceededException extends ApiException {

  private static final long serialVersionUID = 1L;

  private final boolean suspended;
  private final boolean balance;

  QuotaExceededException(ApiError e, boolean suspended, boolean balance) {
    super(e);
    this.suspended = suspended;
    this.balance = balance;
  }

  /**
   * Tells whether the account's balance is used up: Moonshot's {@code exceeded_current_quota_error}
   * or its 403 that speaks of an insufficient balance (top up to go on), rather than a suspended
   * account or a plan's usage limit.
   *
   * @return true for an empty balance
   */
  public boolean isBalanceUsedUp() {
    return balance;
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
