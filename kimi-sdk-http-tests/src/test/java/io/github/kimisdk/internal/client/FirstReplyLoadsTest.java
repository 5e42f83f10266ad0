package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a fresh JVM's first streamed reply does not wait for (issue 62): the default price table
 * (its {@code Currency} and {@code BigDecimal}s), made when the spend is first read; and (issue 69)
 * what makes exceptions ({@code ErrorMaker}, the exception classes it names, the rules for server
 * texts), loaded at a client's first failure, and the spend's total, made at its first price.
 * Checked in a fresh JVM from the JVM's own log of the classes it loads, in order, with classes of
 * the child's own loaded as marks.
 */
@Tag("multiprocess") // a fresh JVM of its own: mvn -B -P slow verify
class FirstReplyLoadsTest {

  private static final String CURRENCY = "java.util.Currency ";
  private static final String BUILT = FirstReplyLoadsTest.class.getName() + "$Built ";
  private static final String LAST_CHUNK = FirstReplyLoadsTest.class.getName() + "$LastChunk ";
  private static final String SPEND_READ = FirstReplyLoadsTest.class.getName() + "$SpendRead ";

  @Test
  void aFreshJvmsFirstReplyMakesNoPriceTableUntilTheSpendIsRead(@TempDir Path dir)
      throws Exception {
    List<String> loaded;
    try (FakeKimiServer server = new FakeKimiServer().start()) {
      loaded = classesLoaded(Child.class, server, dir.resolve("classes.log"), "chunks: ");
    }
    int built = indexOf(loaded, BUILT);
    int lastChunk = indexOf(loaded, LAST_CHUNK);
    int spendRead = indexOf(loaded, SPEND_READ);
    assertThat(built).as("the mark after build()").isPositive();
    assertThat(lastChunk).as("the mark at the last chunk").isGreaterThan(built);
    assertThat(spendRead).as("the mark before the spend is read").isGreaterThan(lastChunk);
    // loaded later in the same JVM, so the log can tell
    assertThat(indexOf(loaded, CURRENCY))
        .as("the price table, made when the spend is read, not for the reply")
        .isGreaterThan(spendRead);
    for (String notForAReply : NOT_FOR_A_REPLY) {
      int at = indexOf(loaded, notForAReply);
      assertThat(at < 0 || at > spendRead)
          .as(
              "%sis loaded only after the reply (at %d; the spend is read at %d)",
              notForAReply, at, spendRead)
          .isTrue();
    }
  }

  /** Classes a reply that succeeds has no use for (each name ends in a space, as logged). */
  static final List<String> NOT_FOR_A_REPLY =
      List.of(
          "io.github.kimisdk.internal.http.ErrorMaker ",
          "io.github.kimisdk.internal.http.ServerText ",
          "io.github.kimisdk.errors.ApiException ",
          "io.github.kimisdk.errors.AuthenticationException ",
          "io.github.kimisdk.errors.RateLimitException ",
          "io.github.kimisdk.errors.ConnectionException ",
          "io.github.kimisdk.model.Spend ",
          "io.github.kimisdk.model.PriceTable ");

  /**
   * Runs {@code child} in a fresh JVM against {@code server}, logging each class it loads to {@code
   * log}; asserts that it printed {@code says} and returns the log's lines, in load order.
   */
  static List<String> classesLoaded(Class<?> child, FakeKimiServer server, Path log, String says)
      throws Exception {
    String out =
        ChildJvm.run(
            child, "-Xlog:class+load=info:file=" + log, "-Dkimi.test.url=" + server.baseUrl());
    assertThat(out).contains(says);
    return Files.readAllLines(log);
  }

  /** Returns the line of the class-load log that names {@code className}'s load, or -1. */
  static int indexOf(List<String> lines, String className) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("] " + className)) {
        return i;
      }
    }
    return -1;
  }

  /** Loaded, and so logged, when the child's client is built. */
  static final class Built {
    private Built() {}

    static void mark() {}
  }

  /** Loaded, and so logged, when the child sees the reply's last chunk. */
  static final class LastChunk {
    private LastChunk() {}

    static void mark() {}
  }

  /** Loaded, and so logged, just before the child reads its spend. */
  static final class SpendRead {
    private SpendRead() {}

    static void mark() {}
  }

  /**
   * Builds a client, streams one reply from the fake at {@code kimi.test.url} and reads the spend,
   * marking each step.
   */
  static final class Child {
    private Child() {}

    public static void main(String[] args) {
      int chunks = 0;
      try (KimiClient kimi =
          KimiClient.builder()
              .apiKey("sk-first-reply")
              .baseUrl(System.getProperty("kimi.test.url"))
              .build()) {
        Built.mark();
        try (ChatStream stream = kimi.stream(ChatRequest.of("kimi-k3", "Name a river"))) {
          for (ChatCompletionChunk c : stream) {
            chunks++;
            if (c.finishReason() != null) {
              LastChunk.mark();
            }
          }
        }
        SpendRead.mark();
        System.out.println("chunks: " + chunks + ", spend: " + kimi.spend().totalTokens());
      }
    }
  }
}
