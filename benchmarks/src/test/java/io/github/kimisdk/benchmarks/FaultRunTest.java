package io.github.kimisdk.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.benchmarks.FaultServer.Dialect;
import io.github.kimisdk.benchmarks.FaultServer.Fault;
import io.github.kimisdk.benchmarks.FaultServer.Ledger;
import io.github.kimisdk.benchmarks.FaultServer.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 90's invariants, judged by {@link FaultRun} on a small seeded load (240 calls from 12
 * workers through the client docs/hosts.md describes, beside one vLLM on the same faults) and its
 * scenarios; and the fault server's own rules, checked over plain {@code java.net.http}. The
 * throughput the issue asks for is FaultRun's measure on its full load, not a test.
 */
class FaultRunTest {

  // ---- the fault server's own rules ----

  @Test
  void aCallsTextIsTheSameForTheSameSeedAndItsPiecesJoinToIt() {
    String text = FaultServer.fullText(90, 17);
    assertThat(FaultServer.fullText(90, 17)).isEqualTo(text);
    assertThat(FaultServer.fullText(91, 17)).isNotEqualTo(text);
    assertThat(text.split(" ")).hasSizeBetween(20, 50).doesNotHaveDuplicates();
    assertThat(String.join("", FaultServer.pieces(text, 90, 17))).isEqualTo(text);
    assertThat(FaultRun.wordTwice(text)).isFalse();
    String w = text.split(" ")[0];
    assertThat(FaultRun.wordTwice(w + " " + text)).isTrue();
    assertThat(FaultRun.wordTwice(w + text)).as("two copies run together").isTrue();
  }

  @Test
  void aNoTargetFailureIsSortedByWhatEachTargetLastAnswered() {
    String msg =
        "No target of the client's fallback chain takes the call (after 1 attempts in 0 s, of which"
            + " it waited 0 s for busy hosts): target 0 (vllm at 127.0.0.1:46379) answered HTTP 502"
            + " \"502 Bad Gateway\", cooling down for 5 s more; target 1 (vllm at 127.0.0.1:46247)"
            + " answered ConnectionException (could not be reached) (I/O failure talking to"
            + " http://127.0.0.1:46247/v1: Connection refused), cooling down for 3 s more; target 2"
            + " (moonshot at 127.0.0.1:41000) answered HTTP 429 engine_overloaded_error \"busy\","
            + " probing. A call waits for a target cooling down only within"
            + " RetryPolicy.withRateLimitWait (none by default)";
    assertThat(FaultRun.noTargetCause(msg))
        .isEqualTo("0: HTTP 502 cooling, 1: refused cooling, 2: HTTP 429 probing");
    assertThat(FaultRun.noTargetCause("No target of the client's fallback chain takes the call"))
        .isEqualTo("unread");
  }

  @Test
  void aContinuationInEachHostsFormIsAnsweredWithExactlyTheRest() throws Exception {
    Ledger ledger = new Ledger(90, (call, arrival, stream, continuation) -> Fault.WHOLE);
    try (FaultServer vllm = new FaultServer("V", Dialect.VLLM, ledger, 0);
        FaultServer moonshot = new FaultServer("M", Dialect.MOONSHOT, ledger, 0)) {
      String full = ledger.fullText(5);
      String prefix = full.substring(0, full.indexOf(' ', 30));
      String vllmForm =
          "{\"model\":\"m\",\"stream\":true,\"continue_final_message\":true,"
              + "\"add_generation_prompt\":false,\"messages\":[{\"role\":\"user\",\"content\":"
              + "\"say fc-5\"},{\"role\":\"assistant\",\"content\":\""
              + prefix
              + "\"}]}";
      String moonshotForm =
          "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
              + "\"say fc-5\"},{\"role\":\"assistant\",\"content\":\""
              + prefix
              + "\",\"partial\":true}]}";
      assertThat(streamedText(vllm, vllmForm)).isEqualTo(full.substring(prefix.length()));
      assertThat(streamedText(moonshot, moonshotForm)).isEqualTo(full.substring(prefix.length()));
      assertThat(ledger.violations).isEmpty();
      streamedText(vllm, moonshotForm); // Moonshot's form sent to vLLM: a violation
      assertThat(ledger.violations).singleElement().asString().contains("wrong form");
    }
  }

  @Test
  void aRestartRefusesConnectionsThenListensOnTheSamePortAgain() throws Exception {
    Ledger ledger = new Ledger(90, (call, arrival, stream, continuation) -> Fault.WHOLE);
    try (FaultServer s = new FaultServer("R", Dialect.VLLM, ledger, 0)) {
      String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"fc-1\"}]}";
      assertThat(post(s, body).statusCode()).isEqualTo(200);
      Thread restart = new Thread(() -> s.restart(1500));
      restart.start();
      // the listening socket closes at once; poll until a connection is refused
      boolean refused = false;
      for (int i = 0; i < 100 && !refused; i++) {
        try {
          post(s, body);
          Thread.sleep(10); // until the restarter closed the listening socket
        } catch (ConnectException e) {
          refused = true;
        } catch (IOException e) {
          // accepted just before the listening socket closed, then cut by the restart (seen on a
          // loaded machine): not yet the refusal this waits for
        }
      }
      assertThat(refused).as("refused while down").isTrue();
      restart.join(10_000);
      assertThat(post(s, body).statusCode()).isEqualTo(200);
      assertThat(s.restarts()).isEqualTo(1);
    }
  }

  @Test
  void aClientThatLeavesHeldHeadersIsSeenToLeaveBeforeThem() throws Exception {
    Ledger ledger = new Ledger(90, (call, arrival, stream, continuation) -> Fault.LATE_HEADERS);
    try (FaultServer s = new FaultServer("L", Dialect.VLLM, ledger, 0)) {
      byte[] body =
          "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"fc-2\"}]}"
              .getBytes(StandardCharsets.UTF_8);
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        while (ledger.all.isEmpty()) {
          Thread.sleep(5); // until the server holds the request's headers back
        }
      } // the client leaves while the headers are held
      assertThat(ledger.awaitQuiet(Duration.ofSeconds(10))).isZero();
      assertThat(ledger.all.get(0).outcome).isEqualTo(Outcome.CLIENT_CLOSED_BEFORE_HEADERS);
      assertThat(s.awaitNoConnection(Duration.ofSeconds(10))).isZero();
      assertThat(s.connectionsClosedByClient()).isEqualTo(1);
    }
  }

  private static HttpResponse<String> post(FaultServer s, String body) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return http.send(
        HttpRequest.newBuilder(URI.create(s.baseUrl() + "/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static final Pattern CONTENT = Pattern.compile("\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"");

  private static String streamedText(FaultServer s, String body) throws Exception {
    String sse = post(s, body).body();
    StringBuilder b = new StringBuilder();
    for (String line : sse.split("\n")) {
      if (line.startsWith("data: {")) {
        Matcher m = CONTENT.matcher(line);
        if (m.find()) {
          b.append(m.group(1));
        }
      }
    }
    return b.toString();
  }

  // ---- issue 90's invariants under the faults, all at once ----

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class UnderTheFaults {
    private FaultRun.LoadReport rep;

    @BeforeAll
    void run() throws Exception {
      rep = FaultRun.load(90, 240, 12, 1, 1, new PrintStream(OutputStream.nullOutputStream()));
    }

    @Test
    void nothingIsLostNothingEndsTwiceAndTheClientIsIdleAfterwards() {
      FaultRun.Figures f = rep.df;
      assertThat(f.lost).as("calls that never ended").isZero();
      assertThat(f.endedTwice).as("calls that ended twice").isZero();
      assertThat(f.listenerEndsNotOne).as("calls not heard to end exactly once").isZero();
      assertThat(rep.busyClientThreads).as(rep.busyThreadsDetail).isZero();
      assertThat(rep.connectionsAfterClose).as("connections serving after close").isZero();
      assertThat(rep.sf.lost).isZero();
    }

    @Test
    void theServerSawNoContinuationOutOfItsHostsFormOrPrefix() {
      assertThat(rep.df.serverViolations).isEmpty();
      assertThat(rep.sf.serverViolations).isEmpty();
    }

    @Test
    void theSingleTargetClientFailsOnlyAsTheDocsAllow() {
      assertThat(rep.sf.disallowed).as(String.join("\n", rep.sf.disallowedExamples)).isEmpty();
    }

    @Test
    void everySuccessfulCallReadsExactlyTheServersTextEachWordOnce() {
      assertThat(rep.df.wrongText).as(String.join("\n", rep.df.wrongExamples)).isZero();
      assertThat(rep.sf.wrongText).as(String.join("\n", rep.sf.wrongExamples)).isZero();
    }

    /**
     * Every hedged copy was closed, as the servers recorded. How often streams with late headers
     * were hedged against streams with a late first token is the harness's figure (check 2 of
     * {@link FaultRun}), not a test's: the hedge allowance goes to whichever slow streams come
     * first, which a busy machine decides; that a stream is handed over before its late headers is
     * held by {@code HedgeHttpTest.aStreamWhoseHeadersAreLateIsHandedOverBeforeThem}.
     */
    @Test
    void noHedgedCopyIsLeftOpen() {
      assertThat(rep.df.hedgedCopiesNotClosed)
          .as("hedged copies the client did not close")
          .isZero();
      assertThat(rep.openAfterIdle).as(rep.openAfterIdleDetail).isZero();
    }

    @Test
    void everyFailureIsOneTheDocsAllow() {
      assertThat(rep.df.disallowed).as(String.join("\n", rep.df.disallowedExamples)).isEmpty();
    }

    @Test
    void everyFailuresStatusIsOneAServerSent() {
      assertThat(rep.df.statusesNotSent)
          .as("of %d: %s", rep.df.failuresWithStatus, String.join("\n", rep.df.statusExamples))
          .isZero();
    }

    @Test
    void everyChangeOfAConversationsMemberIsToldAsMoved() {
      assertThat(rep.df.untoldChanges)
          .as(
              "changes of member untold, of %d in %d conversations:%n%s",
              rep.df.memberChanges,
              rep.df.conversationsChanged,
              String.join("\n", rep.df.untoldExamples))
          .isZero();
    }

    @Test
    void aConversationMovesOnlyOffAFullOverloadedOrDownMember() {
      assertThat(rep.df.movesAfterCut).as(String.join("\n", rep.df.moveExamples)).isZero();
    }

    // Throughput (issue 90: at least 0.9x one target's successful calls per second on the same
    // faults) is a measure, not a test: FaultRun's full run states it (benchmarks/README.md).
  }

  // ---- the scenarios ----

  @Test
  void aSlowSubscriberOfAStreamAfterKeepAlivesIsNeverCut() throws Exception {
    FaultRun.Check c = FaultRun.keepAlive(20);
    assertThat(c.met()).as(c.figure()).isTrue();
  }

  @Test
  void twoBusyReplicasAndAnOverloadedMoonshotFailWithinTenSecondsSayingHowLongTheyWaited()
      throws Exception {
    FaultRun.Check c = FaultRun.busy(true, 3, Duration.ofSeconds(20));
    assertThat(c.met()).as(c.figure()).isTrue();
  }

  @Test
  void oneBusyVllmFailsWithinTenSecondsSayingHowLongItWaited() throws Exception {
    FaultRun.Check c = FaultRun.busy(false, 3, Duration.ofSeconds(20));
    assertThat(c.met()).as(c.figure()).isTrue();
  }

  @Test
  void aDeadReplicaReadsDown() throws Exception {
    FaultRun.Check c = FaultRun.deadReplica();
    assertThat(c.met()).as(c.figure()).isTrue();
  }

  @Test
  void aCutStreamsErrorNamesItsHostTargetAndRemedy() throws Exception {
    FaultRun.Check c = FaultRun.cutMessage();
    assertThat(c.met()).as(c.figure()).isTrue();
  }

  /** The scenarios run today, whatever they find: a harness that cannot run is a defect too. */
  @Test
  void theScenariosRunAndReportAFigure() throws Exception {
    List<FaultRun.Check> checks = List.of(FaultRun.deadReplica(), FaultRun.cutMessage());
    assertThat(checks).allSatisfy(c -> assertThat(c.figure()).isNotBlank());
  }
}
