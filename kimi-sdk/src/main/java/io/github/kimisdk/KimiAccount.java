package io.github.kimisdk;

import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.client.ClientScope;
import io.github.kimisdk.platform.Balance;
import io.github.kimisdk.platform.PingResult;
import java.util.concurrent.CompletableFuture;

/**
 * The account behind the client's key: its balance ({@code /users/me/balance}) and whether Kimi is
 * reachable and takes the key, reached through {@link KimiClient#account()}.
 *
 * <pre>{@code
 * PingResult p = kimi.account().ping();
 * switch (p.status()) {
 *   case OK -> System.out.println("ready in " + p.latency().toMillis() + " ms");
 *   case BAD_KEY -> System.out.println("check MOONSHOT_API_KEY");
 *   case UNREACHABLE -> System.out.println("no network: " + p.error().getMessage());
 *   case ERROR -> System.out.println("Kimi answered HTTP " + p.httpStatus());
 * }
 * System.out.println(kimi.account().balance().available());
 * }</pre>
 *
 * <p>Each operation has a blocking form and an {@code ...Async} form (cancelling its future aborts
 * the exchange). Settings of a call's own come from a derived client ({@link
 * KimiClient#withOptions(RequestOptions)}).
 */
public final class KimiAccount {

  private final ClientScope scope;

  KimiAccount(ClientScope scope) {
    this.scope = scope;
  }

  /**
   * Returns the account balance ({@code GET /users/me/balance}); amounts are exact.
   *
   * @return the balance
   * @throws KimiException if the call fails
   * @throws IllegalStateException if the client is closed
   */
  public Balance balance() {
    return scope.await(balanceAsync());
  }

  /**
   * Returns the account balance without blocking (see {@link #balance()}).
   *
   * @return the future balance
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<Balance> balanceAsync() {
    return scope.balance();
  }

  /**
   * Checks cheaply ({@code GET /models}, which costs nothing) whether the API is reachable and
   * accepts the key: the health check. It never throws for those outcomes: a bad key, an
   * unreachable host and other errors are reported in the result. Bound it with a derived client's
   * {@link RequestOptions#timeout()} where a caller must not wait long (a load balancer's probe).
   *
   * @return the outcome
   * @throws IllegalStateException if the client is closed
   */
  public PingResult ping() {
    return scope.await(pingAsync());
  }

  /**
   * Checks the API without blocking (see {@link #ping()}); the future completes with the outcome
   * and never exceptionally for a bad key or an unreachable host.
   *
   * @return the future outcome
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<PingResult> pingAsync() {
    return scope.ping();
  }
}
