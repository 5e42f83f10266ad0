package io.github.kimisdk;

import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.TargetReport;
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
   * (as a health probe bounds its checks); a failed check is reported, never thrown. {@link
   * #verifyTargets(String)} checks deeper, with a few cheap calls.
   *
   * @return the targets' states with their checks
   * @throws IllegalStateException if the client is closed
   */
  public List<TargetStatus> checkTargets() {
    return scope.await(checkTargetsAsync());
  }

  /**
   * Checks that each target's host serves Kimi's model as Kimi's rules and the target's {@link
   * Host} preset expect, as a team does before it sends traffic to its own vLLM or a vendor's
   * endpoint (what Moonshot's vendor verifier asks of vendors, for one target): the model id
   * served, the model's fixed sampling values taken, thinking on bringing reasoning under the key
   * the preset reads and thinking off bringing none, reasoning not inside {@code content} (a
   * missing or wrong reasoning parser), a tool call as {@code tool_calls} with JSON arguments (not
   * Kimi's raw markers: a missing tool parser), and a stream ending with usage. Each failed {@link
   * TargetReport.Finding} says what to change: a vLLM or SGLang flag ({@code --reasoning-parser
   * kimi_k3}, {@code --enable-auto-tool-choice --tool-call-parser kimi_k3}), a preset's {@code
   * with} method. The same check runs from the command line: {@code java -jar kimi-sdk-VERSION.jar
   * verify --host vllm --base-url URL --model kimi-k3}.
   *
   * <pre>{@code
   * for (TargetReport r : kimi.account().verifyTargets("kimi-k3")) {
   *   r.failures().forEach(f -> System.out.println(f.check() + ": " + f.detail() + "; " + f.fix()));
   * }
   * }</pre>
   *
   * <p><b>Cost</b>, per target, all targets at once: {@code GET /models} (no tokens), then one
   * after another a chat call with thinking on (at most 96 completion tokens; sent again once
   * without the sampling values if the host refused them), a streamed call with thinking off (at
   * most 32) and a call with one tool (at most 128, or 256 for a model that always thinks), each
   * with a prompt of a few dozen tokens: four or five requests and a few hundred tokens, billed as
   * any call on the target's account ({@link TargetReport#tokens()} tells what the host reported).
   * Each request is sent once (no retry) with the target's key and bounded by the client's timeouts
   * and by 60 seconds, or the timeout of a client derived with {@link KimiClient#withOptions}; a
   * check that cannot go on (nothing answers, the key or the model is refused, the host is
   * overloaded) stops there and says why. It checks a target over chat completions; a target on
   * another wire protocol is reported unchecked.
   *
   * @param model Kimi's id of the model to check on a target that asks for the model each request
   *     names (the client's own, {@link Target#of(Host)}); a target that names its model is checked
   *     with that one
   * @return one report per target, the client's own first; a failed check is reported, never thrown
   * @throws IllegalArgumentException if {@code model} is blank
   * @throws IllegalStateException if the client is closed
   */
  public List<TargetReport> verifyTargets(String model) {
    return scope.await(verifyTargetsAsync(model));
  }

  /**
   * Checks each target's host without blocking (see {@link #verifyTargets(String)}).
   *
   * @param model Kimi's id of the model to check on a target that names none
   * @return the future of one report per target; it never completes exceptionally
   * @throws IllegalArgumentException if {@code model} is blank
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<List<TargetReport>> verifyTargetsAsync(String model) {
    return scope.verifyTargets(model);
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
