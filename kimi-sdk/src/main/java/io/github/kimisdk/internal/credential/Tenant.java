package io.github.kimisdk.internal.credential;

import io.github.kimisdk.internal.limit.RateLimiter;
import io.github.kimisdk.internal.limit.SpendMeter;

/**
 * Whose calls a client makes: the credential they are sent with, and the spend meter and rate
 * limiter they count against. A client the builder made is the tenant of its own core ({@code
 * account} null); {@code withOptions} shares its tenant; {@code withCredentials} makes another on
 * the same core, whose pool, threads and scheduler it shares. The core keeps no tenant but its own,
 * so a tenant's meter, limiter and key live as long as the clients that hold it.
 *
 * @param account the tenant's account name, or null for the client the builder made
 * @param credential where the key of its calls comes from
 * @param meter what its calls spent
 * @param limiter its rate limiter, or null when the client has no rate limit
 */
public record Tenant(String account, Credential credential, SpendMeter meter, RateLimiter limiter) {

  /** Never prints the key. */
  @Override
  public String toString() {
    return "Tenant[" + (account == null ? "the client's own" : "account " + account) + "]";
  }
}
