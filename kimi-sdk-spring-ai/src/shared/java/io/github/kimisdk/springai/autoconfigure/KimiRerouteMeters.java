package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.host.TargetStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client's reroutes as a counter, {@value #NAME}: the listener ({@link
 * CallListener#onRerouted}) counts each call routing sent elsewhere with no attempt failing, by why
 * ({@value #KIND}: {@code moved}, {@code hedged}, {@code continued}) and by the target the attempt
 * went to, tagged as the spend meters tag it ({@value KimiSpendMeters#TARGET}, {@value
 * KimiSpendMeters#TARGET_HOST}: its place and its host's name, never its URL). A counter exists for
 * every kind and every target of the client from the start, at zero until a reroute, so that a rate
 * over it needs no first event. Thread-safe: a listener hears many calls at once.
 */
final class KimiRerouteMeters implements CallListener {

  /** The counter's name: {@value}. */
  static final String NAME = "kimi.reroutes";

  /** The tag of why a call went elsewhere, {@link CallEvent.Reroute} in lower case: {@value}. */
  static final String KIND = "kimi.reroute";

  /** One counter's tags: the kind, the target's place and its host's name. */
  private record Key(CallEvent.Reroute kind, int target, String host) {}

  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

  KimiRerouteMeters() {}

  @Override
  public void onRerouted(CallEvent.Rerouted event) {
    ServedBy to = event.to();
    adder(new Key(event.kind(), to.target(), to.host())).increment();
  }

  private LongAdder adder(Key key) {
    return counts.computeIfAbsent(key, k -> new LongAdder());
  }

  /**
   * Registers a counter for every kind and every target of {@code client}, and one for any other
   * key already counted.
   *
   * @param registry the registry
   * @param client the client whose targets are counted
   */
  void bindTo(MeterRegistry registry, KimiClient client) {
    List<TargetStatus> targets = client.account().targets();
    for (int i = 0; i < targets.size(); i++) {
      String host = targets.get(i).target().host().name();
      for (CallEvent.Reroute kind : CallEvent.Reroute.values()) {
        adder(new Key(kind, i, host));
      }
    }
    counts.forEach(
        (key, adder) ->
            FunctionCounter.builder(NAME, adder, LongAdder::sum)
                .tag(KIND, key.kind().name().toLowerCase(Locale.ROOT))
                .tag(KimiSpendMeters.TARGET, Integer.toString(key.target()))
                .tag(KimiSpendMeters.TARGET_HOST, key.host())
                .description(
                    "Calls routing sent to another replica or target with no attempt failing:"
                        + " a conversation moved, a stream hedged or continued")
                .register(registry));
  }
}
