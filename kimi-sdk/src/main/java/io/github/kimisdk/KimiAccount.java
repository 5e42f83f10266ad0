package io.github.kimisdk;

import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.internal.client.ClientScope;
import io.github.kimisdk.platform.Balance;
import io.github.kimisdk.platform.PingResult;
import java.util.List;
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

  /**
   * Returns how each target of the client stands now, the client's own first: whether it takes
   * calls (a target that said it is overloaded cools down, then is probed), and what its account
   * spent. Nothing is sent. A client without fallback targets has one.
   *
   * @return the targets' states
   */
  public List<TargetStatus> targets() {
    return scope.targets();
  }

  /**
   * Checks each target's host with a call that costs no tokens ({@code GET /models}, each with its
   * own key), all at once, and returns how each stands with its check ({@link
   * TargetStatus#isAvailable()}, {@link TargetStatus#condition()}): the health a team's LLM
   * registry or a Spring health group shows per target. A target that names its model ({@link
   * Target#of(Host, String)}) whose host lists its models without the host's id of that model (a
   * retired or misspelt id) is {@link PingResult.Status#MISCONFIGURED}, never available: its
   * condition tells it from a target that is overloaded or down. Each check is bounded by the
   * client's timeouts, and by the timeout of a client derived with {@link KimiClient#withOptions}
   * (as a health probe bounds its checks); a failed check is reported, never thrown. The host check
   * ({@code HostCheck.verify} of the artifact {@code kimi-sdk-hostcheck}) checks deeper, with a few
   * cheap calls.
   *
   * @return the targets' states with their checks
   * @throws IllegalStateException if the client is closed
   */
  public List<TargetStatus> checkTargets() {
    return scope.await(checkTargetsAsync());
  }

  /**
   * Checks each target without blocking (see {@link #checkTargets()}).
   *
   * @return the future of the targets' states
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<List<TargetStatus>> checkTargetsAsync() {
    return scope.checkTargets();
  }
}
