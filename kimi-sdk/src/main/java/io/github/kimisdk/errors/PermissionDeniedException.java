package io.github.kimisdk.errors;

/**
 * The key is valid but may not do this (HTTP 403, {@code permission_denied_error} or Kimi Code's
 * {@code access_terminated_error}): an API not open to the account, an IP allow-list, or Kimi
 * Code's gating by {@code User-Agent} (see {@link #isClientGated()}).
 */
public final class PermissionDeniedException extends ApiException {

  private static final long serialVersionUID = 1L;

  private final boolean clientGated;

  PermissionDeniedException(ApiError e, boolean clientGated) {
    super(e);
    this.clientGated = clientGated;
  }

  /**
   * Tells whether Kimi Code refused the client because its {@code User-Agent} is not a recognised
   * coding agent.
   *
   * @return true for Kimi Code's client gating
   */
  public boolean isClientGated() {
    return clientGated;
  }
}
