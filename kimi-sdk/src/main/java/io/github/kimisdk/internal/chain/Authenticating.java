package io.github.kimisdk.internal.chain;

import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.internal.config.TargetSettings;
import io.github.kimisdk.internal.credential.Credential;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.internal.route.TargetParts;
import java.util.concurrent.CompletableFuture;

/**
 * The key of each attempt: asks the attempt's account's credential for it as late as possible, once
 * the attempt holds its rate-limit permit, so that a rotated key is used by the next attempt, and
 * hands it to the transport with the attempt ({@link
 * io.github.kimisdk.internal.http.Overrides#key()}). A credential that cannot give a key (its
 * supplier threw, or returned a bad key) fails the attempt unsent, with the {@code
 * ConfigurationException} that says why. A target's own fixed key passes through untouched: its
 * transport sends it anyway.
 */
public final class Authenticating implements Interceptor {

  private final TargetParts[] parts;

  public Authenticating(TargetParts[] parts) {
    this.parts = parts;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    Attempt a = sending.attempt();
    TargetSettings target = parts[a.target()].settings;
    Credential credential = a.tenant().credential();
    if (credential == target.credential() && !credential.refreshable()) {
      return next.proceed(sending);
    }
    ApiKey key;
    // the key supplier is the caller's code: it runs in the caller's context
    ContextPropagator.Scope caller = sending.call().context().restore();
    try {
      key = credential.key(target.endpoint());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      caller.close();
    }
    return next.proceed(sending.at(a.keyed(key)));
  }
}
