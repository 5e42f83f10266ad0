package io.github.kimisdk.internal.client;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.internal.http.ApiKey;
import java.util.concurrent.CompletableFuture;

/**
 * The key of each attempt: asks the call's credential for it as late as possible, once the attempt
 * holds its rate-limit permit, so that a rotated key is used by the next attempt, and hands it to
 * the transport with the attempt ({@link io.github.kimisdk.internal.http.Overrides#key()}). A
 * credential that cannot give a key (its supplier threw, or returned a bad key) fails the attempt
 * unsent, with the {@code ConfigurationException} that says why. A client's fixed key passes
 * through untouched: the transport sends it anyway.
 */
final class Authenticating implements Interceptor {

  private final Credential own; // the client's: its fixed key is the transport's
  private final Endpoint endpoint;

  Authenticating(Credential own, Endpoint endpoint) {
    this.own = own;
    this.endpoint = endpoint;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    Credential credential = sending.call().tenant().credential();
    if (credential == own && !credential.refreshable()) {
      return next.proceed(sending);
    }
    ApiKey key;
    try {
      key = credential.key(endpoint);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return next.proceed(sending.keyed(key));
  }
}
