package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Everything a client shows of itself while a test runs, kept to be searched for keys: every line
 * its logger is given at any level (with the stack trace of what it logs), every call event its
 * listener hears, in full ({@code toString}, and the failures' stack traces), and whatever the test
 * adds (exceptions, {@code toString}s). It also counts, per call, Kimi's refusals of the key that
 * the call absorbed (its {@link CallEvent.Retry} events on an {@code AuthenticationException}) and
 * the attempts each call made.
 */
final class KeyWitness implements System.Logger, CallListener {

  final List<String> seen = new CopyOnWriteArrayList<>();
  final ConcurrentHashMap<Long, AtomicInteger> refusals = new ConcurrentHashMap<>();
  final ConcurrentHashMap<Long, Integer> attempts = new ConcurrentHashMap<>();
  final ConcurrentHashMap<Long, String> failed = new ConcurrentHashMap<>();

  /** Adds {@code t} in full: its message, its causes and suppressed failures, its trace. */
  void add(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    seen.add(w.toString());
  }

  void add(Object shown) {
    seen.add(String.valueOf(shown));
  }

  /** Asserts that no text seen holds any of {@code keys}, and that something was seen. */
  void assertNoneHolds(String... keys) {
    assertThat(seen).as("what the client showed").isNotEmpty();
    for (String text : seen) {
      for (String key : keys) {
        assertThat(text).as("a text the client showed").doesNotContain(key);
      }
    }
  }

  int refusalsOf(long call) {
    AtomicInteger n = refusals.get(call);
    return n == null ? 0 : n.get();
  }

  // --- System.Logger: every level --------------------------------------------------------------

  @Override
  public String getName() {
    return "key-witness";
  }

  @Override
  public boolean isLoggable(Level level) {
    return true;
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    seen.add(msg);
    if (thrown != null) {
      add(thrown);
    }
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    seen.add(params == null ? format : java.text.MessageFormat.format(format, params));
  }

  @Override
  public void log(Level level, Supplier<String> msgSupplier) {
    seen.add(msgSupplier.get());
  }

  // --- CallListener: every event ---------------------------------------------------------------

  @Override
  public void onRequest(CallEvent.Request event) {
    seen.add(event.toString());
  }

  @Override
  public void onHeaders(CallEvent.Headers event) {
    seen.add(event.toString());
  }

  @Override
  public void onRetry(CallEvent.Retry event) {
    seen.add(event.toString());
    add(event.failure());
    if (event.failure() instanceof io.github.kimisdk.errors.AuthenticationException) {
      refusals.computeIfAbsent(event.call().id(), id -> new AtomicInteger()).incrementAndGet();
    }
  }

  @Override
  public void onEnd(CallEvent.End event) {
    seen.add(event.toString());
    attempts.put(event.call().id(), event.attempts());
  }

  @Override
  public void onFailure(CallEvent.Failure event) {
    seen.add(event.toString());
    add(event.failure());
    attempts.put(event.call().id(), event.attempts());
    failed.put(event.call().id(), event.failure().getClass().getSimpleName());
  }
}
