package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ContextPropagator#of}: a context read and set by two functions, as an MDC is. */
class ContextPropagatorTest {

  /** A context as an MDC keeps one: a map per thread, copied out, set whole or cleared. */
  static final ThreadLocal<Map<String, String>> MDC = new ThreadLocal<>();

  final List<String> sets = new ArrayList<>();

  ContextPropagator mdc() {
    return ContextPropagator.of(
        MDC::get,
        map -> {
          sets.add(String.valueOf(map));
          MDC.set(map);
        });
  }

  @Test
  void capturesOnTheCallersThreadAndSetsItAroundACallbackThenPutsTheThreadsOwnBack() {
    MDC.set(Map.of("request", "r-1"));
    ContextPropagator.Captured captured = mdc().capture();
    MDC.set(Map.of("request", "r-2")); // the caller moved on: the capture keeps what it read
    ContextPropagator.Scope scope = captured.restore();
    try {
      assertThat(MDC.get()).isEqualTo(Map.of("request", "r-1"));
    } finally {
      scope.close();
    }
    assertThat(MDC.get()).isEqualTo(Map.of("request", "r-2"));
    assertThat(sets).containsExactly("{request=r-1}", "{request=r-2}");
    MDC.remove();
  }

  @Test
  void aThreadWithNoContextGetsNoneBackAfterTheCallersWasSetOnIt() {
    MDC.set(Map.of("user", "alice"));
    ContextPropagator.Captured captured = mdc().capture();
    MDC.remove(); // the callback's thread has none
    ContextPropagator.Scope scope = captured.restore();
    try {
      assertThat(MDC.get()).isEqualTo(Map.of("user", "alice"));
    } finally {
      scope.close();
    }
    assertThat(MDC.get()).isNull();
    assertThat(sets).containsExactly("{user=alice}", "null");
  }

  @Test
  void setsNothingWhenNeitherTheCallerNorTheThreadHasAContext() {
    ContextPropagator.Captured captured = mdc().capture();
    ContextPropagator.Scope scope = captured.restore();
    try {
      assertThat(MDC.get()).isNull();
    } finally {
      scope.close();
    }
    assertThat(sets).isEmpty();
  }

  @Test
  void restoresAsOftenAsCalledEachTimeWithTheThreadsOwnBack() {
    MDC.set(Map.of("k", "caller"));
    ContextPropagator.Captured captured = mdc().capture();
    for (String own : List.of("a", "b")) {
      MDC.set(Map.of("k", own));
      ContextPropagator.Scope scope = captured.restore();
      try {
        assertThat(MDC.get()).containsEntry("k", "caller");
      } finally {
        scope.close();
      }
      assertThat(MDC.get()).containsEntry("k", own);
    }
    MDC.remove();
  }

  @Test
  void refusesMissingFunctionsNamingThem() {
    assertThatThrownBy(() -> ContextPropagator.of(null, x -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("current");
    assertThatThrownBy(() -> ContextPropagator.of(() -> "x", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("set");
  }
}
