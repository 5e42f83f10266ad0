package io.github.kimisdk.internal.chain;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.StoppablePublisher;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.internal.limit.SpendMeter;
import io.github.kimisdk.internal.route.TargetParts;
import java.util.concurrent.CompletableFuture;

/**
 * The spend: counts the usage of each chat reply or stream before its caller sees it, on the meter
 * of the call's tenant (the client's own, or a {@code withCredentials} client's), or, on a client
 * with fallback targets, on the meter of the target that served it, as the reply's metadata names
 * it ({@link ResponseMetadata#servedBy()}): which target served comes back with the answer, up the
 * chain's return path.
 */
public final class Spending implements Interceptor {

  private final TargetParts[] parts;

  public Spending(TargetParts[] parts) {
    this.parts = parts;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    CompletableFuture<T> f = next.proceed(sending);
    CallSpec c = sending.call();
    if (c.request() == null) {
      return f;
    }
    SpendMeter own = c.settings().tenant().meter();
    return parts.length == 1
        ? own.metered(c.request(), f)
        : own.metered(c.request(), f, md -> meter(own, md));
  }

  @Override
  public <T> StoppablePublisher<T> stream(Sending sending, Chain.Streams<T> next) {
    StoppablePublisher<T> p = next.proceed(sending);
    CallSpec c = sending.call();
    if (c.request() == null) {
      return p;
    }
    SpendMeter own = c.settings().tenant().meter();
    return parts.length == 1
        ? own.metered(c.request(), p)
        : own.metered(c.request(), p, () -> meter(own, next.metadata()));
  }

  /** The meter of the target whose response {@code md} is: {@code own} for the call's own. */
  private SpendMeter meter(SpendMeter own, ResponseMetadata md) {
    ServedBy served = md == null ? null : md.servedBy();
    return served == null || served.target() == 0 ? own : parts[served.target()].meter;
  }
}
