package io.github.kimisdk.springai;

import io.github.kimisdk.ContextPropagator;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Carries the caller's SLF4J {@link MDC} to every callback a {@code KimiClient} runs on its own
 * threads (a {@link ContextPropagator}): the MDC's map is copied where a call starts, set around
 * each callback (a listener, an interceptor, a {@code Flow} subscriber's signal, a stage of a
 * future the client returned) and the callback's thread gets its own map back after, so that what
 * they log carries the request's keys (a trace id, a user). The auto-configuration adds it to the
 * client it builds ({@code KimiAutoConfiguration}, a {@code KimiClientCustomizer} named {@code
 * kimiMdcCustomizer}); an application that builds its own client adds it itself:
 *
 * <pre>{@code
 * KimiClient kimi = KimiClient.builder().fromEnv()
 *     .contextPropagator(new MdcContextPropagator())
 *     .build();
 * }</pre>
 *
 * <p>A copy of the map is taken once per call; each callback costs two more (the thread's own, and
 * the caller's set in its place), or none when both are empty. Stateless and thread-safe.
 */
public final class MdcContextPropagator implements ContextPropagator {

  /** Creates the propagator. */
  public MdcContextPropagator() {}

  @Override
  public Captured capture() {
    Map<String, String> captured = MDC.getCopyOfContextMap();
    return () -> {
      Map<String, String> before = MDC.getCopyOfContextMap();
      if (isEmpty(captured) && isEmpty(before)) {
        return () -> {};
      }
      set(captured);
      return () -> set(before);
    };
  }

  private static boolean isEmpty(Map<String, String> map) {
    return map == null || map.isEmpty();
  }

  private static void set(Map<String, String> map) {
    if (isEmpty(map)) {
      MDC.clear();
    } else {
      MDC.setContextMap(map);
    }
  }

  @Override
  public String toString() {
    return "MdcContextPropagator";
  }
}
