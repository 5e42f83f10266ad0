package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.file.Path;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 75: after a 429, the pause goes to the rate-limit store before anything else the failure
 * does, so that the processes sharing the store stop as soon as one of them read it. A fresh JVM's
 * first call is refused (its client has made no exception yet, so the error machinery is made at
 * this failure, as in a process that has only succeeded so far); the JVM's own log of the classes
 * it loads, in order, with classes of the child's own loaded as marks, tells what came first: the
 * store's pause, then the refused slot's give-back, the classifying and the exception's classes
 * ({@code ErrorMaker}, {@code ApiException}, {@code RateLimitException}), the attempt's log line
 * and the listener's event.
 */
@Tag("multiprocess") // a fresh JVM of its own: mvn -B -P slow verify
class FirstRefusalPausesFirstTest {

  private static final String MARK = FirstRefusalPausesFirstTest.class.getName() + "$";

  /** What the failure does, each after the pause (each name ends in a space, as logged). */
  static final List<String> AFTER_THE_PAUSE =
      List.of(
          "io.github.kimisdk.internal.http.ErrorMaker ",
          "io.github.kimisdk.errors.ApiException ",
          "io.github.kimisdk.errors.RateLimitException ",
          MARK + "GaveBack ",
          MARK + "Logged ",
          MARK + "Heard ");

  @Test
  void aFreshJvmsFirst429PausesTheStoreBeforeItClassifiesBuildsLogsOrTellsTheFailure(
      @TempDir Path dir) throws Exception {
    List<String> loaded;
    try (FakeKimiServer server =
        new FakeKimiServer()
            .respondWith(
                r ->
                    RefusalPausesFirstHttpTest.refusal("max concurrency: 2", 5)
                        .withHeader("Retry-After", "5"))
            .start()) {
      loaded =
          FirstReplyLoadsTest.classesLoaded(
              Child.class, server, dir.resolve("classes.log"), "refused: RateLimitException");
    }
    int sent = FirstReplyLoadsTest.indexOf(loaded, MARK + "Sent ");
    int paused = FirstReplyLoadsTest.indexOf(loaded, MARK + "Paused ");
    assertThat(sent).as("the mark before the call").isPositive();
    assertThat(paused).as("the mark of the store's pause").isGreaterThan(sent);
    for (String after : AFTER_THE_PAUSE) {
      assertThat(FirstReplyLoadsTest.indexOf(loaded, after))
          .as("%sis loaded after the pause (at %d)", after, paused)
          .isGreaterThan(paused);
    }
  }

  /** Loaded, and so logged, just before the child's call. */
  static final class Sent {
    private Sent() {}

    static void mark() {}
  }

  /** Loaded, and so logged, when the store is first asked to pause. */
  static final class Paused {
    private Paused() {}

    static void mark() {}
  }

  /** Loaded, and so logged, when the store is first given a slot back. */
  static final class GaveBack {
    private GaveBack() {}

    static void mark() {}
  }

  /** Loaded, and so logged, when the client first logs the refused attempt. */
  static final class Logged {
    private Logged() {}

    static void mark() {}
  }

  /** Loaded, and so logged, when the listener first hears of the failure. */
  static final class Heard {
    private Heard() {}

    static void mark() {}
  }

  /** A logger that hears everything and marks the line of an attempt that ended with a 429. */
  static final class MarkingLogger implements System.Logger {
    @Override
    public String getName() {
      return "marking";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      mark(msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      mark(format);
    }

    @Override
    public void log(Level level, Supplier<String> msg) {
      mark(msg.get());
    }

    private static void mark(String msg) {
      if (msg != null && msg.contains("HTTP 429")) {
        Logged.mark();
      }
    }
  }

  /**
   * Sends one call, not retried, to the fake at {@code kimi.test.url}, which refuses it, through a
   * rate limit kept in a marking store, with a marking logger and listener.
   */
  static final class Child {
    private Child() {}

    public static void main(String[] args) {
      CallListener heard =
          new CallListener() {
            @Override
            public void onRetry(CallEvent.Retry event) {
              Heard.mark();
            }

            @Override
            public void onFailure(CallEvent.Failure event) {
              Heard.mark();
            }
          };
      try (KimiClient kimi =
          KimiClient.builder()
              .apiKey("sk-first-refusal")
              .baseUrl(System.getProperty("kimi.test.url"))
              .retryPolicy(RetryPolicy.none())
              .rateLimit(
                  RateLimit.builder()
                      .maxConcurrency(2)
                      .store(
                          new HeardStore(
                              e -> {
                                if (e.startsWith("pause")) {
                                  Paused.mark();
                                } else {
                                  GaveBack.mark();
                                }
                              }),
                          "org")
                      .build())
              .logger(new MarkingLogger())
              .listener(heard)
              .build()) {
        Sent.mark();
        try {
          kimi.chat(ChatRequest.of("kimi-k2.6", "Say hi"));
          System.out.println("answered");
        } catch (RuntimeException e) { // naming an exception class here would load it early
          System.out.println("refused: " + e.getClass().getSimpleName());
        }
      }
    }
  }
}
