/**
 * Targets and routing: each target's machinery, built alike for the client's own and every fallback
 * ({@code TargetParts}: transport, failures' factory, rate limiter, concurrency gate, spend meter,
 * account, health), the one owner of where a chat call goes ({@code Router} per client, {@code
 * Route} per call, its state private: the next attempt's target, what a failure means for where, a
 * hand-over's reservation, the moves to tell), the groups of replicas that share the load ({@code
 * Rooms}, their room read from each member's gate), each target's {@code TargetHealth}, the one
 * judgement of a failure's bearing on where ({@code Kind}) and what it teaches its target's health
 * ({@code Lesson}), and a {@code Host}'s translation of a request at the wire ({@code Dialect}). A
 * {@code Route}'s door, the methods named outside this package, stays small ({@code
 * scripts/route-door.sh}): where the next attempt goes, the waits, a failure's verdict, a hedge,
 * one record of what happened ({@code Outcome}) and one report of what the targets said ({@code
 * Report}).
 *
 * <p>May touch: {@code internal.limit}, {@code internal.credential}, {@code internal.config},
 * {@code internal.http}; never {@code internal.chain} or {@code internal.client}.
 */
package io.github.kimisdk.internal.route;
