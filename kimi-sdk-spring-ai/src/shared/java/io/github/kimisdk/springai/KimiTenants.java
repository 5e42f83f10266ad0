package io.github.kimisdk.springai;

import io.github.kimisdk.KimiClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Finds the client of the tenant a request names ({@link KimiChatOptions#getTenant()}): a client
 * that sends the tenant's own key and counts the tenant's own spend and rate limit, on the pool and
 * threads of the application's client ({@code KimiClient.withCredentials}). Give one to {@link
 * KimiChatModel.Builder#tenants(KimiTenants)}, or define one as a bean for the auto-configured
 * model.
 *
 * <pre>{@code
 * @Bean
 * KimiTenants kimiTenants(KimiClient kimi, TenantKeys keys) {
 *   return KimiTenants.of(kimi, keys::kimiKeyOf, 10_000);
 * }
 * // per request:
 * chatClient.prompt("Hi").options(KimiChatOptions.builder().tenant("acme")).call().content();
 * }</pre>
 */
@FunctionalInterface
public interface KimiTenants {

  /**
   * Returns the client of tenant {@code account}.
   *
   * @param account the tenant's account name, as the options name it
   * @return the client
   * @throws IllegalArgumentException if no such tenant may call Kimi
   */
  KimiClient client(String account);

  /**
   * Returns tenants of {@code kimi}, each made once, when first named ({@code
   * kimi.withCredentials(account, ...)}), and kept for its next requests, so that its spend and
   * in-process rate limit go on; the most recently used {@code maxTenants} are kept, and a tenant
   * met again after it was dropped starts a new spend and limiter (a shared {@code RateLimitStore}
   * keeps its budget under its account). A tenant's key is asked of {@code keys} before every
   * attempt, so it may change.
   *
   * @param kimi the application's client
   * @param keys gives a tenant's key from its account name; thread-safe and quick
   * @param maxTenants how many tenants' clients are kept, at least 1
   * @return the tenants
   * @throws IllegalArgumentException if {@code maxTenants} is below 1
   */
  static KimiTenants of(KimiClient kimi, Function<String, String> keys, int maxTenants) {
    Objects.requireNonNull(kimi, "kimi");
    Objects.requireNonNull(keys, "keys");
    if (maxTenants < 1) {
      throw new IllegalArgumentException("maxTenants must be at least 1: " + maxTenants);
    }
    Map<String, KimiClient> kept =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, KimiClient> eldest) {
            return size() > maxTenants;
          }
        };
    return account -> {
      Objects.requireNonNull(account, "account");
      synchronized (kept) {
        return kept.computeIfAbsent(account, a -> kimi.withCredentials(a, () -> keys.apply(a)));
      }
    };
  }
}
