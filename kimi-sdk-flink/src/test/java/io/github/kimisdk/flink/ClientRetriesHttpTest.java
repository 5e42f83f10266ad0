package io.github.kimisdk.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.types.Row;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The predict function leaves every retry to the client, which the options configure: the
 * function's calls go through a client with a listener (as {@code open} gives it the shared one),
 * and through Flink, against {@link FakeKimiServer}. Waits the server asks for are 0 s ({@code
 * Retry-After: 0}), so that no test waits for a backoff.
 */
@ExtendWith(FakeKimiExtension.class)
class ClientRetriesHttpTest {

  private static final String KEY = "sk-flink-retries-0123456789";
  private static final String BASE64URL_400 =
      "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"malformed encrypted reasoning"
          + " content: invalid base64url encoding\"}}";
  private static final String RATE_LIMITED =
      "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":\"Your account org-1"
          + " request reached organization max RPM: 3, please try again after 0 seconds\"}}";
  private static final String SERVER_ERROR =
      "{\"error\":{\"type\":\"server_error\",\"message\":\"internal error\"}}";

  /** The OUTPUT: the answer, and the error, status and target of a failed row. */
  private static final OutputLayout LAYOUT =
      OutputLayout.of(
          ResolvedSchema.of(
              Column.physical("answer", DataTypes.STRING()),
              Column.physical("why", DataTypes.STRING()),
              Column.physical("status", DataTypes.INT()),
              Column.physical("via", DataTypes.INT())),
          Map.of("why", "error-string", "status", "http-status-code", "via", "served-by"));

  private static LocalFlink flink;

  private final List<CallEvent> events = new CopyOnWriteArrayList<>();
  private final List<KimiClient> clients = new ArrayList<>();

  @BeforeAll
  static void startFlink() {
    flink = LocalFlink.shared();
    flink.prompts("one_ticket", List.of("Classify: the app crashes"));
  }

  @AfterEach
  void closeClients() {
    clients.forEach(KimiClient::close);
  }

  private static ModelSettings settings(FakeKimiServer server, String... keyValues) {
    Map<String, String> o = LocalFlink.kimi(server, KEY);
    o.remove("provider");
    for (int i = 0; i < keyValues.length; i += 2) {
      o.put(keyValues[i], keyValues[i + 1]);
    }
    return ModelSettings.of(Configuration.fromMap(o));
  }

  /** The model's function, its calls through a client of the options with a listener. */
  private KimiPredictFunction function(ModelSettings settings) {
    KimiClient client =
        settings
            .clientBuilder(null)
            .listener(
                new CallListener() {
                  @Override
                  public void onRequest(CallEvent.Request e) {
                    events.add(e);
                  }

                  @Override
                  public void onRetry(CallEvent.Retry e) {
                    events.add(e);
                  }

                  @Override
                  public void onEnd(CallEvent.End e) {
                    events.add(e);
                  }

                  @Override
                  public void onFailure(CallEvent.Failure e) {
                    events.add(e);
                  }
                })
            .build();
    clients.add(client);
    KimiPredictFunction f = new KimiPredictFunction(settings, LAYOUT, Duration.ofMinutes(3));
    f.callThrough(client);
    return f;
  }

  /**
   * Fails every call with a 500 to retry at once, whose request id is {@code requestIds} and the
   * call's number from 1.
   */
  private static void failEveryCall(FakeKimiServer server, String requestIds) {
    AtomicInteger n = new AtomicInteger();
    server.respondWith(
        r ->
            FakeResponse.error(500, SERVER_ERROR)
                .withHeader("Retry-After", "0")
                .withHeader("Msh-Request-Id", requestIds + n.incrementAndGet()));
  }

  private static RowData predict(KimiPredictFunction f) throws Exception {
    Collection<RowData> rows =
        f.asyncPredict(GenericRowData.of(StringData.fromString("Classify: the app crashes")))
            .get(30, TimeUnit.SECONDS);
    assertThat(rows).hasSize(1);
    return rows.iterator().next();
  }

  private List<CallEvent.Retry> retries() {
    return events.stream()
        .filter(CallEvent.Retry.class::isInstance)
        .map(CallEvent.Retry.class::cast)
        .toList();
  }

  /** The calls that ended, answered or failed: one per row, however many attempts it took. */
  private long calls() {
    return events.stream()
        .filter(e -> e instanceof CallEvent.End || e instanceof CallEvent.Failure)
        .count();
  }

  /** The attempts sent. */
  private long attempts() {
    return events.stream().filter(CallEvent.Request.class::isInstance).count();
  }

  @Test
  void k3sBase64Url400IsRetriedOnceWhateverRetryNumSays(FakeKimiServer server) throws Exception {
    server.respondWith(r -> FakeResponse.error(400, BASE64URL_400).withHeader("Retry-After", "0"));
    KimiPredictFunction f =
        function(settings(server, "retry-num", "100", "retry-fallback-strategy", "ignore"));

    RowData row = predict(f);

    assertThat(server.requestCount()).isEqualTo(2); // the call and its one retry
    assertThat(attempts()).isEqualTo(2);
    assertThat(row.isNullAt(0)).isTrue();
    assertThat(row.getString(1).toString()).contains("invalid base64url encoding");
    assertThat(row.getInt(2)).isEqualTo(400);
    assertThat(calls()).isOne();
    assertThat(retries())
        .singleElement()
        .satisfies(r -> assertThat(r.failure().getMessage()).contains("base64url"));
  }

  @Test
  void k3sBase64Url400ThatPassesTheSecondTimeIsAnswered(FakeKimiServer server) throws Exception {
    AtomicInteger n = new AtomicInteger();
    server.respondWith(
        r ->
            n.getAndIncrement() == 0
                ? FakeResponse.error(400, BASE64URL_400).withHeader("Retry-After", "0")
                : null);
    KimiPredictFunction f = function(settings(server, "retry-num", "3"));

    RowData row = predict(f);

    assertThat(row.getString(0).toString()).isEqualTo("You said: Classify: the app crashes");
    assertThat(row.isNullAt(1)).isTrue();
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(retries()).hasSize(1);
  }

  @Test
  void rateLimit429sAreWaitedOutWithoutSpendingRetryNum(FakeKimiServer server) throws Exception {
    AtomicInteger n = new AtomicInteger();
    server.respondWith(
        r ->
            n.getAndIncrement() < 3
                ? FakeResponse.error(429, RATE_LIMITED).withHeader("Retry-After", "0")
                : null);
    KimiPredictFunction f = function(settings(server, "retry-num", "1"));

    RowData row = predict(f);

    assertThat(row.getString(0).toString()).isEqualTo("You said: Classify: the app crashes");
    assertThat(server.requestCount()).isEqualTo(4); // three waited out, though retry-num is 1
    assertThat(attempts()).isEqualTo(4);
    assertThat(calls()).isOne();
    assertThat(retries())
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.failure().getMessage()).contains("rate_limit_reached_error"))
        .extracting(CallEvent.Retry::attempt)
        .containsExactly(1, 2, 3);
  }

  @Test
  void rateLimit429sAreWaitedOutUnderFailoverAndIgnoreToo(FakeKimiServer server) throws Exception {
    for (String strategy : List.of("failover", "ignore")) {
      AtomicInteger n = new AtomicInteger();
      server.respondWith(
          r ->
              n.getAndIncrement() < 2
                  ? FakeResponse.error(429, RATE_LIMITED).withHeader("Retry-After", "0")
                  : null);
      events.clear();
      KimiPredictFunction f = function(settings(server, "error-handling-strategy", strategy));

      assertThat(predict(f).getString(0).toString()).startsWith("You said:");
      assertThat(retries()).as(strategy).hasSize(2);
    }
  }

  @Test
  void aServersWaitLongerThanFlinksTimeoutOfTheRowEndsTheRowAtOnce(FakeKimiServer server)
      throws Exception {
    server.respondWith(r -> FakeResponse.error(429, RATE_LIMITED).withHeader("Retry-After", "600"));
    KimiPredictFunction f =
        new KimiPredictFunction(
            settings(server, "error-handling-strategy", "ignore"), LAYOUT, Duration.ofSeconds(30));
    KimiClient client = settings(server).clientBuilder(null).build();
    clients.add(client);
    f.callThrough(client);

    RowData row = predict(f);

    assertThat(row.getInt(2)).isEqualTo(429);
    assertThat(server.requestCount()).isOne();
  }

  @Test
  void theFinalErrorCarriesTheEarlierFailures(FakeKimiServer server) {
    failEveryCall(server, "req-");
    KimiPredictFunction f = function(settings(server, "retry-num", "2"));

    Throwable failure =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                f.asyncPredict(GenericRowData.of(StringData.fromString("hi")))
                    .get(30, TimeUnit.SECONDS));

    assertThat(failure).isInstanceOf(ExecutionException.class);
    Throwable job = failure.getCause();
    assertThat(job)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("error-handling-strategy fails the job")
        .hasMessageContaining("req-3");
    KimiException kimi = (KimiException) job.getCause();
    assertThat(kimi.attempts()).isEqualTo(3);
    assertThat(kimi.getSuppressed())
        .hasSize(2)
        .extracting(t -> ((KimiException) t).requestId().orElseThrow())
        .containsExactly("req-1", "req-2");
    assertThat(retries()).hasSize(2);
    assertThat(calls()).isOne();
  }

  /** The same through a Flink job: the failed job's trace holds every attempt's request id. */
  @Test
  void aFailedJobCarriesEveryAttemptsError(FakeKimiServer server) {
    failEveryCall(server, "req-job-");
    Map<String, String> o = LocalFlink.kimi(server, KEY);
    o.put("retry-num", "2");
    String model = createModel(o);

    Throwable failure =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                flink.rows(
                    "SELECT * FROM ML_PREDICT(TABLE one_ticket, MODEL "
                        + model
                        + ", DESCRIPTOR(prompt))"));

    assertThat(ExceptionUtils.stringifyException(failure))
        .contains("req-job-3")
        .contains("Suppressed: ")
        .contains("req-job-1")
        .contains("req-job-2")
        .doesNotContain(KEY);
    assertThat(server.requestCount()).isEqualTo(3);
  }

  /**
   * A query's own timeout (Flink's bound on the row) bounds the waits its calls spend no retry on.
   */
  @Test
  void aQuerysTimeoutBoundsTheWaitsOnRateLimits(FakeKimiServer server) throws Exception {
    server.respondWith(r -> FakeResponse.error(429, RATE_LIMITED).withHeader("Retry-After", "100"));
    Map<String, String> o = LocalFlink.kimi(server, KEY);
    o.put("error-handling-strategy", "ignore");
    o.put("metadata-columns", "why:error-string,status:http-status-code");
    String model = createModel("answer STRING, why STRING, status INT", o);

    long t0 = System.nanoTime();
    List<Row> rows =
        flink.rows(
            "SELECT status FROM ML_PREDICT(TABLE one_ticket, MODEL "
                + model
                + ", DESCRIPTOR(prompt), MAP['timeout', '50s'])");

    // a 100 s wait is longer than the query's 50 s: the row ends with Kimi's 429 at once; under
    // the default 3 minutes, it would have been waited out
    assertThat(rows).singleElement().satisfies(r -> assertThat(r.getField(0)).isEqualTo(429));
    assertThat(server.requestCount()).isOne();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(50));
  }

  /** The session's {@code table.exec.async-ml-predict.timeout} is that bound too. */
  @Test
  void theSessionsPredictTimeoutBoundsTheWaitsOnRateLimits(FakeKimiServer server) throws Exception {
    server.respondWith(r -> FakeResponse.error(429, RATE_LIMITED).withHeader("Retry-After", "100"));
    Map<String, String> o = LocalFlink.kimi(server, KEY);
    o.put("error-handling-strategy", "ignore");
    o.put("metadata-columns", "status:http-status-code");
    String model = createModel("answer STRING, status INT", o);
    flink.env.getConfig().set("table.exec.async-ml-predict.timeout", "50s");
    List<Row> rows;
    try {
      rows =
          flink.rows(
              "SELECT status FROM ML_PREDICT(TABLE one_ticket, MODEL "
                  + model
                  + ", DESCRIPTOR(prompt))");
    } finally {
      flink.env.getConfig().set("table.exec.async-ml-predict.timeout", "3min");
    }

    assertThat(rows).singleElement().satisfies(r -> assertThat(r.getField(0)).isEqualTo(429));
    assertThat(server.requestCount()).isOne();
  }

  private static String createModel(Map<String, String> options) {
    return flink.createModel("answer STRING", options);
  }

  private static String createModel(String output, Map<String, String> options) {
    return flink.createModel(output, options);
  }
}
