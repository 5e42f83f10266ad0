package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.testing.FakeKimiCommand.Options;
import io.github.kimisdk.testing.FakeKimiCommand.Tls;
import io.github.kimisdk.testing.FakeKimiCommand.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command line of {@link FakeKimiServer#main}, read in process: one case per rule. The process
 * itself (a port, a request, a signal) is {@code StandaloneJarHttpTest}'s.
 */
class FakeKimiCommandTest {

  static Stream<Arguments> goodCommandLines() {
    return Stream.of(
        Arguments.of(
            new String[] {}, new Options("127.0.0.1", 0, Duration.ZERO, List.of(), false, false)),
        Arguments.of(
            new String[] {"--port", "8089"},
            new Options("127.0.0.1", 8089, Duration.ZERO, List.of(), false, false)),
        Arguments.of(
            new String[] {"--port=8089"},
            new Options("127.0.0.1", 8089, Duration.ZERO, List.of(), false, false)),
        Arguments.of(
            new String[] {"--host", "0.0.0.0", "--port", "0"},
            new Options("0.0.0.0", 0, Duration.ZERO, List.of(), false, false)),
        Arguments.of(
            new String[] {"--latency", "250"},
            new Options("127.0.0.1", 0, Duration.ofMillis(250), List.of(), false, false)),
        Arguments.of(
            new String[] {"--verbose", "--port", "8089"},
            new Options("127.0.0.1", 8089, Duration.ZERO, List.of(), true, false)),
        Arguments.of(
            new String[] {"--api-key", "sk-local", "--port", "65535"},
            new Options("127.0.0.1", 65535, Duration.ZERO, List.of("sk-local"), false, false)),
        Arguments.of(
            new String[] {"--api-key", "sk-old", "--api-key=sk-new"},
            new Options("127.0.0.1", 0, Duration.ZERO, List.of("sk-old", "sk-new"), false, false)),
        Arguments.of(
            new String[] {"--api-key=a=b"},
            new Options("127.0.0.1", 0, Duration.ZERO, List.of("a=b"), false, false)),
        Arguments.of(
            new String[] {"--port", "1", "--help"},
            new Options("127.0.0.1", 1, Duration.ZERO, List.of(), false, true)),
        Arguments.of(
            new String[] {"-h"},
            new Options("127.0.0.1", 0, Duration.ZERO, List.of(), false, true)),
        Arguments.of(
            new String[] {"--max-concurrency", "2", "--requests-per-minute=60"},
            new Options(
                "127.0.0.1",
                0,
                Duration.ZERO,
                List.of(),
                false,
                false,
                2,
                60,
                null,
                null,
                Duration.ZERO,
                0,
                "",
                "moonshot")),
        Arguments.of(
            new String[] {"--batch-duration", "7200", "--batch-line-failures=10"},
            new Options(
                "127.0.0.1",
                0,
                Duration.ZERO,
                List.of(),
                false,
                false,
                0,
                0,
                null,
                null,
                Duration.ofHours(2),
                10,
                "",
                "moonshot")),
        Arguments.of(new String[] {"--errors", "quota=0.5"}, errors("quota=0.5")),
        Arguments.of(
            new String[] {"--errors", "queue-full=0.5,stream-error=0.25"},
            errors("queue-full=0.5,stream-error=0.25")),
        Arguments.of(new String[] {"--dialect", "vllm"}, dialect("vllm")),
        Arguments.of(new String[] {"--dialect= SGLang"}, dialect("sglang")),
        Arguments.of(new String[] {"--dialect", "kimi-code"}, dialect("moonshot")),
        Arguments.of(
            new String[] {"--errors= Rate-Limit = .10 ,overloaded=0.2"},
            errors("rate-limit=0.1,overloaded=0.2")),
        Arguments.of(
            new String[] {"--tls"},
            new Options(
                "127.0.0.1",
                0,
                Duration.ZERO,
                List.of(),
                false,
                false,
                0,
                0,
                new Tls(null, null),
                null,
                Duration.ZERO,
                0,
                "",
                "moonshot")),
        Arguments.of(
            new String[] {"--tls-key=k.pem", "--tls-cert", "c.pem"},
            new Options(
                "127.0.0.1",
                0,
                Duration.ZERO,
                List.of(),
                false,
                false,
                0,
                0,
                new Tls(Path.of("c.pem"), Path.of("k.pem")),
                null,
                Duration.ZERO,
                0,
                "",
                "moonshot")),
        Arguments.of(
            new String[] {"--record", "https://api.moonshot.ai/v1", "--cassettes", "tapes"},
            cassette(Cassette.record("https://api.moonshot.ai/v1", Path.of("tapes")))),
        Arguments.of(
            new String[] {"--replay=tapes", "--scrub", "user,x-org", "--scrub=safety_identifier"},
            cassette(
                Cassette.replay(Path.of("tapes")).scrub("user", "x-org", "safety_identifier"))),
        Arguments.of(
            new String[] {
              "--replay", "tapes", "--record-missing", "http://127.0.0.1:9/v1", "--keep-timing"
            },
            cassette(
                Cassette.replay(Path.of("tapes"))
                    .recordMissing("http://127.0.0.1:9/v1")
                    .keepTiming())));
  }

  static Options cassette(Cassette c) {
    return defaultsBut(c, "");
  }

  static Options errors(String spec) {
    return defaultsBut(null, spec);
  }

  /** The options of an empty command line but for the dialect. */
  static Options dialect(String name) {
    return new Options(
        "127.0.0.1",
        0,
        Duration.ZERO,
        List.of(),
        false,
        false,
        0,
        0,
        null,
        null,
        Duration.ZERO,
        0,
        "",
        name);
  }

  /** The options of an empty command line but for a cassette and the errors. */
  static Options defaultsBut(Cassette cassette, String errors) {
    return new Options(
        "127.0.0.1",
        0,
        Duration.ZERO,
        List.of(),
        false,
        false,
        0,
        0,
        null,
        cassette,
        Duration.ZERO,
        0,
        errors,
        "moonshot");
  }

  @ParameterizedTest
  @MethodSource("goodCommandLines")
  void readsEachOption(String[] args, Options expected) throws Exception {
    assertThat(FakeKimiCommand.parse(args)).isEqualTo(expected);
  }

  static Stream<Arguments> badCommandLines() {
    return Stream.of(
        Arguments.of(new String[] {"--port"}, "--port needs a value"),
        Arguments.of(
            new String[] {"--port", "http"}, "--port takes a whole number from 0 to 65535"),
        Arguments.of(new String[] {"--port", "65536"}, "--port takes a whole number"),
        Arguments.of(new String[] {"--port", "-1"}, "--port takes a whole number"),
        Arguments.of(new String[] {"--port="}, "--port takes a whole number"),
        Arguments.of(new String[] {"--latency", "1.5"}, "--latency takes a whole number"),
        Arguments.of(new String[] {"--latency", "3600001"}, "from 0 to 3600000"),
        Arguments.of(new String[] {"--api-key"}, "--api-key needs a value"),
        Arguments.of(new String[] {"--api-key", " "}, "--api-key takes a key that is not blank"),
        Arguments.of(new String[] {"--host", ""}, "--host takes an address"),
        Arguments.of(new String[] {"--help=yes"}, "--help takes no value"),
        Arguments.of(new String[] {"--verbose=yes"}, "--verbose takes no value"),
        Arguments.of(new String[] {"--max-concurrency", "-1"}, "--max-concurrency takes a whole"),
        Arguments.of(new String[] {"--max-concurrency"}, "--max-concurrency needs a value"),
        Arguments.of(
            new String[] {"--requests-per-minute", "sixty"}, "--requests-per-minute takes a whole"),
        Arguments.of(new String[] {"--tls=yes"}, "--tls takes no value"),
        Arguments.of(new String[] {"--tls-cert", "c.pem"}, "--tls-cert and --tls-key go together"),
        Arguments.of(new String[] {"--tls-key", ""}, "--tls-key takes a file"),
        Arguments.of(new String[] {"--record", "https://api.moonshot.ai/v1"}, "go together"),
        Arguments.of(new String[] {"--cassettes", "tapes"}, "--record URL and --cassettes DIR"),
        Arguments.of(
            new String[] {"--record", "x", "--cassettes", "t", "--replay", "t"},
            "--record and --replay exclude each other"),
        Arguments.of(
            new String[] {"--record-missing", "https://api.moonshot.ai/v1"},
            "--record-missing URL needs --replay DIR"),
        Arguments.of(
            new String[] {"--record", "http://api.moonshot.ai/v1", "--cassettes", "t"},
            "--record: plain http only to a loopback address"),
        Arguments.of(new String[] {"--scrub", "user"}, "need --record or --replay"),
        Arguments.of(new String[] {"--replay", "t", "--scrub", "a,,b"}, "--scrub takes header"),
        Arguments.of(new String[] {"--keep-timing=1"}, "--keep-timing takes no value"),
        Arguments.of(
            new String[] {"--batch-duration", "1.5"}, "--batch-duration takes a whole number"),
        Arguments.of(new String[] {"--batch-line-failures"}, "--batch-line-failures needs a value"),
        Arguments.of(new String[] {"--errors"}, "--errors needs a value"),
        Arguments.of(new String[] {"--errors", " "}, "--errors takes KIND=SHARE pairs"),
        Arguments.of(new String[] {"--errors", "quota"}, "'quota' is not KIND=SHARE"),
        Arguments.of(
            new String[] {"--errors", "busy=0.5"},
            "unknown error kind 'busy': use quota, rate-limit, overloaded, queue-full,"
                + " stream-error"),
        Arguments.of(new String[] {"--dialect"}, "--dialect needs a value"),
        Arguments.of(
            new String[] {"--dialect", "tgi"},
            "--dialect: unknown dialect 'tgi': use moonshot, vllm, sglang, openrouter, fireworks,"
                + " together"),
        Arguments.of(new String[] {"--errors", "quota=0"}, "must be a decimal in (0, 1]"),
        Arguments.of(new String[] {"--errors", "quota=1.5"}, "must be a decimal in (0, 1]"),
        Arguments.of(new String[] {"--errors", "quota=half"}, "must be a decimal in (0, 1]"),
        Arguments.of(new String[] {"--errors", "quota=-0.5"}, "must be a decimal in (0, 1]"),
        Arguments.of(
            new String[] {"--errors", "quota=0.5,quota=0.1"}, "error kind 'quota' is named twice"),
        Arguments.of(
            new String[] {"--errors", "quota=0.6,overloaded=0.5"},
            "the shares add up to 1.1, more than every call"),
        Arguments.of(new String[] {"--errors", "quota=0.5,"}, "'' is not KIND=SHARE"),
        Arguments.of(new String[] {"8089"}, "unknown argument: 8089"),
        Arguments.of(new String[] {"--prot", "8089"}, "unknown argument: --prot"));
  }

  @ParameterizedTest
  @MethodSource("badCommandLines")
  void refusesAWrongCommandLineSayingWhatIsWrong(String[] args, String message) {
    assertThatThrownBy(() -> FakeKimiCommand.parse(args))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(message);
  }

  /** What {@link FakeKimiCommand#run} printed and answered. */
  record Ran(int status, String out, String err) {}

  static Ran run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        FakeKimiCommand.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Ran(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theRequestsPerMinuteOfTheCommandLineAnswerKimis429() throws Exception {
    try (FakeKimiServer server =
        FakeKimiCommand.start(FakeKimiCommand.parse("--requests-per-minute", "1"), System.err)) {
      assertThat(FakeKimiServerOptionsHttpTest.chat(server.baseUrl(), "k").statusCode())
          .isEqualTo(200);
      HttpResponse<String> refused = FakeKimiServerOptionsHttpTest.chat(server.baseUrl(), "k");
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(refused.body())
          .contains("rate_limit_reached_error", "request reached organization max RPM: 1");
    }
  }

  @Test
  void theMaxConcurrencyOfTheCommandLineAnswerKimis429() throws Exception {
    try (FakeKimiServer server =
        FakeKimiCommand.start(FakeKimiCommand.parse("--max-concurrency", "1"), System.err)) {
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      // the first request, admitted, waits in the responder until the second was refused
      server.respondWith(
          r -> {
            if (entered.getCount() > 0) {
              entered.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return null;
          });
      CompletableFuture<HttpResponse<String>> first =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return FakeKimiServerOptionsHttpTest.chat(server.baseUrl(), "k");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      HttpResponse<String> refused = FakeKimiServerOptionsHttpTest.chat(server.baseUrl(), "k");
      release.countDown();
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).contains("1");
      assertThat(refused.body()).contains("request reached organization max concurrency: 1");
      assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theErrorsOfTheCommandLineFailTheirShareOfChatCalls() throws Exception {
    try (FakeKimiServer server =
        FakeKimiCommand.start(FakeKimiCommand.parse("--errors", "quota=0.5"), System.err)) {
      List<Integer> statuses = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        statuses.add(FakeKimiServerOptionsHttpTest.chat(server.baseUrl(), "k").statusCode());
      }
      assertThat(statuses).containsExactly(200, 429, 200, 429);
    }
  }

  @Test
  void theDialectOfTheCommandLineServesTheHostsIdsAndOverloadsInItsWords() throws Exception {
    try (FakeKimiServer server =
        FakeKimiCommand.start(
            FakeKimiCommand.parse("--dialect", "sglang", "--errors", "overloaded=0.5"),
            System.err)) {
      String body = FakeDialectHttpTest.body("moonshotai/Kimi-K3", "hi", "");
      FakeDialectHttpTest.Answer ok =
          FakeDialectHttpTest.send(server, "POST", "/chat/completions", body, null);
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.json().get("model").asString()).isEqualTo("moonshotai/Kimi-K3");
      FakeDialectHttpTest.Answer busy =
          FakeDialectHttpTest.send(server, "POST", "/chat/completions", body, null);
      assertThat(busy.status()).isEqualTo(503);
      assertThat(busy.body()).contains("\"object\":\"error\"", "The request queue is full.");
    }
  }

  @Test
  void tlsServesHttpsAndWritesTheCertificateToTrust() throws Exception {
    try (FakeKimiServer server =
        FakeKimiCommand.start(FakeKimiCommand.parse("--tls"), System.err)) {
      assertThat(server.baseUrl()).startsWith("https://127.0.0.1:");
      Path pem = FakeKimiCommand.trustFile(server);
      assertThat(Files.readString(pem)).isEqualTo(server.certificatePem());
      assertThat(pem.getFileName().toString()).startsWith("fake-kimi-" + server.port() + "-");
      Files.delete(pem);
    }
  }

  @Test
  void aTlsFileThatCannotBeReadIsAFailedStartThatSaysWhy() {
    Ran ran = run("--tls-cert", "no-such-cert.pem", "--tls-key", "no-such-key.pem");
    assertThat(ran.status()).isEqualTo(1);
    assertThat(ran.err()).startsWith("FakeKimiServer: FakeKimiServer cannot read no-such-cert.pem");
    assertThat(ran.out()).isEmpty();
  }

  @Test
  void helpPrintsTheUsageAndSucceeds() {
    Ran ran = run("--help");
    assertThat(ran.status()).isZero();
    assertThat(ran.out())
        .startsWith("Usage: java -jar kimi-sdk-testing-VERSION-standalone.jar [options]")
        .contains(
            "--port N",
            "--host ADDRESS",
            "--latency MS",
            "--api-key KEY",
            "--max-concurrency N",
            "--requests-per-minute N",
            "--tls",
            "--tls-cert FILE --tls-key FILE",
            "--record URL --cassettes DIR",
            "--replay DIR",
            "--record-missing URL",
            "--scrub NAME",
            "--keep-timing",
            "--errors KIND=SHARE[,KIND=SHARE...]",
            "--dialect NAME",
            "quota (429 exceeded_current_quota_error)",
            "--verbose",
            "--help");
    assertThat(ran.err()).isEmpty();
  }

  @Test
  void aWrongArgumentPrintsWhatIsWrongAndTheUsageAndExitsWith2() {
    Ran ran = run("--port", "eighty");
    assertThat(ran.status()).isEqualTo(2);
    assertThat(ran.out()).isEmpty();
    assertThat(ran.err())
        .startsWith("FakeKimiServer: --port takes a whole number from 0 to 65535: eighty\n")
        .contains("Usage: java -jar kimi-sdk-testing-VERSION-standalone.jar [options]");
  }

  @Test
  void anUnknownHostIsAUsageError() {
    Ran ran = run("--host", "no-such-host.invalid");
    assertThat(ran.status()).isEqualTo(2);
    assertThat(ran.err()).contains("--host: unknown host no-such-host.invalid");
  }

  @Test
  void aPortInUseIsAFailedStartThatSaysWhere() {
    try (FakeKimiServer taken = new FakeKimiServer().start()) {
      Ran ran = run("--port", "" + taken.port());
      assertThat(ran.status()).isEqualTo(1);
      assertThat(ran.err())
          .startsWith(
              "FakeKimiServer: FakeKimiServer cannot listen on 127.0.0.1 port " + taken.port())
          .contains("Address already in use");
      assertThat(ran.out()).isEmpty();
    }
  }

  @Test
  void optionsNeverPrintTheKey() throws Exception {
    Options options = FakeKimiCommand.parse("--api-key", "sk-secret-1234", "--api-key", "sk-2");
    assertThat(options.toString())
        .doesNotContain("sk-secret-1234")
        .doesNotContain("sk-2")
        .contains("apiKeys=2 (set)");
  }

  @Test
  void severalApiKeysOfTheCommandLineAreEachTakenAndNoOtherIs() throws Exception {
    try (FakeKimiServer server =
        FakeKimiCommand.start(
            FakeKimiCommand.parse("--api-key", "sk-old", "--api-key", "sk-new"), System.err)) {
      assertThat(FakeKimiServerOptionsHttpTest.chat(server.baseUrl(), "sk-old").statusCode())
          .isEqualTo(200);
      assertThat(FakeKimiServerOptionsHttpTest.chat(server.baseUrl(), "sk-new").statusCode())
          .isEqualTo(200);
      HttpResponse<String> other = FakeKimiServerOptionsHttpTest.chat(server.baseUrl(), "sk-x");
      assertThat(other.statusCode()).isEqualTo(401);
      assertThat(other.body()).contains("invalid_authentication_error");
    }
  }

  @Test
  void theServerStartedFromOptionsListensEverywhereTheyAskAndKeepsNoRequests() throws Exception {
    try (FakeKimiServer server =
        FakeKimiCommand.start(
            FakeKimiCommand.parse("--host", "0.0.0.0", "--port", "0"), System.err)) {
      assertThat(server.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/v1");
      assertThat(FakeKimiServerOptionsHttpTest.chat(server.baseUrl(), "k").statusCode())
          .isEqualTo(200);
      assertThat(server.requestCount()).isZero();
    }
  }

  @Test
  void aVerboseLinesTimeAlwaysHasThreeDigitsOfMilliseconds() {
    // a whole second: Instant.toString prints no fraction, which a --verbose line must not lose
    assertThat(FakeKimiCommand.answeredAt(Instant.parse("2026-11-30T10:26:17Z")))
        .isEqualTo("2026-11-30T10:26:17.000Z");
    assertThat(FakeKimiCommand.answeredAt(Instant.parse("2026-11-30T10:26:17.050Z")))
        .isEqualTo("2026-11-30T10:26:17.050Z");
    assertThat(FakeKimiCommand.answeredAt(Instant.parse("2026-11-27T09:12:03.456999999Z")))
        .as("cut to the millisecond, not rounded")
        .isEqualTo("2026-11-27T09:12:03.456Z");
    Random r = new Random(20261130L);
    for (int i = 0; i < 5_000; i++) {
      // one in five on a whole second, the rest anywhere within it
      Instant at =
          Instant.ofEpochSecond(
              1_700_000_000L + r.nextInt(400_000_000),
              r.nextInt(5) == 0 ? 0 : r.nextInt(1_000_000_000));
      String printed = FakeKimiCommand.answeredAt(at);
      Matcher m = StandaloneJarHttpTest.ANSWERED_AT.matcher(printed + " ");
      assertThat(m.matches()).as("%s as the jar's line opens: %s", at, printed).isTrue();
      assertThat(Instant.parse(printed)).isEqualTo(at.truncatedTo(ChronoUnit.MILLIS));
    }
  }
}
