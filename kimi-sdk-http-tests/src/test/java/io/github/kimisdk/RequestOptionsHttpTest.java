package io.github.kimisdk;

import static io.github.kimisdk.FakeSuite.fastRetries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.errors.StreamAbortedException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.sse.EventStream;
import io.github.kimisdk.sse.ServerSentEvent;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-call options, derived clients, raw bodies and calls to endpoints the SDK does not model. */
class RequestOptionsHttpTest {

  private static final String KEY = "sk-test-0123456789abcdefghijklmnop";
  private static final ChatRequest HI = ChatRequest.of("kimi-k3", "Hi");

  private final FakeKimiServer server = new FakeKimiServer().start();
  private final List<KimiClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(KimiClient::close);
    server.close();
  }

  private KimiClient client(KimiClient.Builder b) {
    KimiClient c = b.build();
    clients.add(c);
    return c;
  }

  /** A client of the fake with key {@link #KEY} that does not retry, then {@code settings}. */
  private KimiClient client(UnaryOperator<KimiClient.Builder> settings) {
    return client(
        settings.apply(
            KimiClient.builder()
                .apiKey(KEY)
                .baseUrl(server.baseUrl())
                .retryPolicy(RetryPolicy.none())));
  }

  private KimiClient client() {
    return client(b -> b);
  }

  @Test
  void aPerCallHeaderAndQueryReachTheServerAndTheNextCallCarriesNeither() {
    KimiClient kimi = client();
    RequestOptions traced =
        RequestOptions.builder().header("X-Trace-Id", "abc").queryParam("q", "a b&c").build();
    kimi.withOptions(traced).chat(HI);
    kimi.chat(HI);
    RecordedRequest first = server.takeRequest();
    RecordedRequest second = server.takeRequest();
    assertThat(first.header("X-Trace-Id")).contains("abc");
    assertThat(first.path()).isEqualTo("/v1/chat/completions?q=a%20b%26c");
    assertThat(second.header("X-Trace-Id")).isEmpty();
    assertThat(second.path()).isEqualTo("/v1/chat/completions");
  }

  @Test
  void aPerCallHeaderReachesStreamsAndPlatformCalls() {
    KimiClient kimi = client();
    RequestOptions o = RequestOptions.builder().header("X-Trace-Id", "s1").build();
    try (ChatStream s = kimi.withOptions(o).stream(HI)) {
      s.forEach(c -> {});
    }
    kimi.withOptions(o).models().list();
    kimi.withOptions(o).account().balance();
    for (int i = 0; i < 3; i++) {
      assertThat(server.takeRequest().header("X-Trace-Id")).contains("s1");
    }
  }

  @Test
  void aPerCallTimeoutFiresWhileTheClientDefaultWouldNot() {
    KimiClient kimi = client();
    // the server answers after 2 s: a call that did not give up at 200 ms would return "slow"
    server.enqueue(slowCompletion(Duration.ofSeconds(2)));
    assertThatThrownBy(
            () ->
                kimi.withOptions(RequestOptions.builder().timeout(Duration.ofMillis(200)).build())
                    .chat(HI))
        .isInstanceOf(KimiTimeoutException.class)
        .hasMessageContaining("RequestOptions.timeout");
    server.enqueue(slowCompletion(Duration.ofMillis(400)));
    assertThat(kimi.chat(HI).text()).isEqualTo("slow");
  }

  @Test
  void aPerCallTimeoutBoundsAStreamUpToItsLastChunk() {
    KimiClient kimi = client();
    kimi.chat(HI); // warm up, so the first chunk surely arrives within the timeout
    server.enqueue(
        FakeResponse.sse()
            .data(ClientInternals.content("a"))
            .pause(Duration.ofSeconds(4))
            .data(ClientInternals.content("b"))
            .done()
            .build());
    List<String> seen = new ArrayList<>();
    try (ChatStream s =
        kimi.withOptions(RequestOptions.builder().timeout(Duration.ofMillis(800)).build()).stream(
            HI)) {
      Throwable t = catchIt(() -> s.forEach(c -> seen.add(c.text())));
      assertThat(t)
          .isInstanceOf(StreamAbortedException.class)
          .hasMessageContaining("RequestOptions.timeout");
    }
    assertThat(seen).containsExactly("a");
  }

  @Test
  void aPerCallRetryPolicyRetriesWhatTheClientWouldNot() {
    KimiClient kimi = client();
    server.enqueue(FakeResponse.error(500, err("server_error", "boom")));
    ChatCompletion c =
        kimi.withOptions(RequestOptions.builder().retryPolicy(fastRetries()).build()).chat(HI);
    assertThat(c.text()).isNotEmpty();
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void reservedHeadersAreRefusedAndOptionsNeverPrintHeaderValues() {
    RequestOptions.Builder b = RequestOptions.builder();
    for (String name : List.of("Authorization", "x-api-key", "Content-Length", "Host")) {
      assertThatThrownBy(() -> b.header(name, "v")).isInstanceOf(ConfigurationException.class);
    }
    assertThatThrownBy(() -> b.header("X-A", "v\r\nX-B: w"))
        .isInstanceOf(ConfigurationException.class);
    RequestOptions o = b.header("X-Secret", "hunter2").build();
    assertThat(o.toString()).contains("X-Secret").doesNotContain("hunter2");
  }

  @Test
  void laterOptionsWinWhenMerged() {
    RequestOptions base =
        RequestOptions.builder()
            .header("A", "1")
            .header("B", "1")
            .timeout(Duration.ofSeconds(1))
            .build();
    RequestOptions merged =
        base.merge(
            RequestOptions.builder().header("b", "2").retryPolicy(RetryPolicy.none()).build());
    assertThat(merged.headers()).containsEntry("A", "1").containsEntry("b", "2").hasSize(2);
    assertThat(merged.timeout()).contains(Duration.ofSeconds(1));
    assertThat(merged.retryPolicy()).contains(RetryPolicy.none());
    assertThat(base.merge(RequestOptions.none())).isSameAs(base);
  }

  // ---------------------------------------------------------------- derived clients

  @Test
  void aDerivedClientAddsItsOptionsToEveryCallAndACallsOwnWin() {
    KimiClient kimi = client();
    KimiClient tenant =
        kimi.withOptions(RequestOptions.builder().header("X-Tenant", "acme").build());
    tenant.chat(HI);
    tenant.withOptions(RequestOptions.builder().header("X-Tenant", "other").build()).chat(HI);
    kimi.chat(HI);
    assertThat(server.takeRequest().header("X-Tenant")).contains("acme");
    assertThat(server.takeRequest().header("X-Tenant")).contains("other");
    assertThat(server.takeRequest().header("X-Tenant")).isEmpty();
    assertThat(tenant.toString()).contains("X-Tenant").doesNotContain(KEY).doesNotContain("acme");
    assertThat(tenant.options().headers()).containsEntry("X-Tenant", "acme");
  }

  @Test
  void aDerivedClientsCallsCountAgainstTheParentsRateLimitAndSurviveItsClose() throws Exception {
    KimiClient kimi = client(b -> b.rateLimit(RateLimit.builder().maxConcurrency(1).build()));
    KimiClient derived = kimi.withOptions(RequestOptions.builder().header("X-D", "1").build());
    assertThat(derived.core().limiter()).isSameAs(kimi.core().limiter());
    server.enqueue(slowCompletion(Duration.ofMillis(800)));
    CompletableFuture<ChatCompletion> slow = derived.chatAsync(HI); // takes the slot at once
    server.takeRequest();
    derived.close();
    CompletableFuture<ChatCompletion> parents = kimi.chatAsync(HI);
    assertThat(kimi.core().limiter().queued())
        .as("the parent waits for the derived client's slot")
        .isEqualTo(1);
    assertThat(parents).isNotDone();
    assertThat(slow.get(5, TimeUnit.SECONDS).text()).isEqualTo("slow");
    assertThat(parents.get(5, TimeUnit.SECONDS).text()).isNotEmpty();
    assertThatThrownBy(() -> derived.chat(HI)).isInstanceOf(IllegalStateException.class);
    assertThat(kimi.chat(HI).text()).isNotEmpty();
  }

  @Test
  void closingTheParentClosesItsDerivedClients() {
    KimiClient kimi = client();
    KimiClient derived = kimi.withOptions(RequestOptions.builder().header("X-D", "1").build());
    kimi.close();
    assertThatThrownBy(() -> derived.chat(HI)).isInstanceOf(IllegalStateException.class);
  }

  // ---------------------------------------------------------------- raw body

  @Test
  void rawBodyIsTheExactBytesTheServerSent() {
    KimiClient kimi = client();
    String body =
        "{ \"id\":\"chatcmpl-9\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"kimi-k3\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"h\u00e9\"},"
            + "\"finish_reason\":\"stop\"}],  \"x_new\": [1, 2] }\n";
    // a chat reply keeps what the SDK does not model in additionalFields, and its metadata
    server.enqueue(FakeResponse.json(body).withHeader("Msh-Request-Id", "req-9"));
    ChatCompletion c = kimi.chat(HI);
    assertThat(c.text()).isEqualTo("h\u00e9");
    assertThat(c.additionalFields().get("x_new")).isEqualTo(Json.parse("[1,2]"));
    assertThat(c.metadata().requestId()).contains("req-9");
    // the exact bytes of any answer come through request() (issue 31: the one raw-body accessor)
    server.enqueue(FakeResponse.json(body));
    KimiResponse<JsonValue> r =
        kimi.request("POST", "chat/completions", Json.parse("{\"model\":\"kimi-k3\"}"));
    assertThat(r.body()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- any endpoint

  @Test
  void requestSendsJsonWithTheKeyAndReturnsTheParsedBodyAndBytes() {
    KimiClient kimi = client();
    server.enqueue(FakeResponse.json("{\"ok\": true}"));
    KimiResponse<JsonValue> r =
        kimi.withOptions(RequestOptions.builder().header("X-T", "t").build())
            .request("POST", "/things?x=1", Json.parse("{\"a\":1}"));
    assertThat(r.value()).isEqualTo(Json.parse("{\"ok\":true}"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\": true}");
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo("/v1/things?x=1");
    assertThat(sent.header("Authorization")).contains("Bearer " + KEY);
    assertThat(sent.header("X-T")).contains("t");
    assertThat(sent.bodyText()).isEqualTo("{\"a\":1}");
  }

  @Test
  void requestRetriesA429AsChatDoes() {
    KimiClient kimi = client(b -> b.retryPolicy(fastRetries()));
    server.enqueue(
        FakeResponse.error(429, err("rate_limit_reached_error", "slow down"))
            .withHeader("Retry-After-Ms", "5"));
    server.enqueue(FakeResponse.json("{\"n\": 2}"));
    assertThat(kimi.request("GET", "anything", null).value()).isEqualTo(Json.parse("{\"n\":2}"));
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void requestClassifiesA401AsChatDoes() {
    KimiClient kimi = client();
    String unauthorized = err("invalid_authentication_error", "Invalid Authentication");
    server.enqueue(FakeResponse.error(401, unauthorized));
    server.enqueue(FakeResponse.error(401, unauthorized));
    Throwable viaRequest = catchIt(() -> kimi.request("GET", "formulas/x/tools", null));
    Throwable viaChat = catchIt(() -> kimi.chat(HI));
    assertThat(viaRequest).isInstanceOf(AuthenticationException.class);
    assertThat(viaChat).isInstanceOf(AuthenticationException.class);
    assertThat(((ApiException) viaRequest).status()).isEqualTo(401);
  }

  @Test
  void requestRefusesPathsThatLeaveTheBaseUrl() {
    KimiClient kimi = client();
    for (String p : List.of("https://evil.example/x", "//evil.example/x", "", "a b")) {
      assertThatThrownBy(() -> kimi.request("GET", p, null))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> kimi.request("get", "x", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void requestEventsPassesEveryEventOnAndEndsAtDone() {
    KimiClient kimi = client();
    server.enqueue(
        FakeResponse.rawSse(
            "event: response.created\ndata: {\"id\":\"r1\"}\n\n"
                + "event: response.output_text.delta\ndata: {\"delta\":\"Hi\"}\n\n"
                + "data: [DONE]\n\n"));
    List<ServerSentEvent> seen = new ArrayList<>();
    try (EventStream events =
        kimi.requestEvents("POST", "responses", Json.parse("{\"stream\":true}"))) {
      events.forEach(seen::add);
    }
    assertThat(seen)
        .extracting(ServerSentEvent::event)
        .containsExactly("response.created", "response.output_text.delta", "message");
    assertThat(seen.get(1).data()).isEqualTo("{\"delta\":\"Hi\"}");
    assertThat(server.takeRequest().header("Accept")).contains("text/event-stream");
  }

  @Test
  void requestEventsRetriesBeforeTheStreamStartsAndClassifiesErrors() {
    KimiClient kimi = client(b -> b.retryPolicy(fastRetries()));
    server.enqueue(FakeResponse.error(503, err("server_error", "busy")));
    server.enqueue(FakeResponse.rawSse("data: one\n\n"));
    try (EventStream events = kimi.requestEvents("GET", "events", null)) {
      assertThat(events.stream().map(ServerSentEvent::data)).containsExactly("one");
    }
    server.enqueue(FakeResponse.error(401, err("invalid_authentication_error", "no")));
    // the stream is cold (issue 31): the error comes from the first read, as a chat stream's does
    EventStream refused = kimi.requestEvents("GET", "events", null);
    assertThatThrownBy(() -> refused.iterator().hasNext())
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void anEventStreamHoldsItsRateLimitSlotUntilItEndsAndClosingTheClientEndsIt() throws Exception {
    KimiClient kimi = client(b -> b.rateLimit(RateLimit.builder().maxConcurrency(1).build()));
    server.enqueue(
        FakeResponse.sse().data("first").pause(Duration.ofSeconds(30)).data("never").build());
    EventStream open = kimi.requestEvents("GET", "events", null);
    java.util.Iterator<ServerSentEvent> it = open.iterator();
    assertThat(it.next().data()).isEqualTo("first");
    CompletableFuture<KimiResponse<JsonValue>> waiting = kimi.requestAsync("GET", "other", null);
    assertThat(kimi.core().limiter().queued())
        .as("the open stream holds the only slot")
        .isEqualTo(1);
    assertThat(waiting).isNotDone();
    kimi.close();
    assertThatThrownBy(it::hasNext).isInstanceOf(KimiException.class);
    assertThat(waiting).isCompletedExceptionally();
  }

  @Test
  void aPerCallTimeoutBoundsAnEventStream() {
    KimiClient kimi = client();
    server.enqueue(
        FakeResponse.sse().data("first").pause(Duration.ofSeconds(5)).data("late").build());
    RequestOptions quick = RequestOptions.builder().timeout(Duration.ofMillis(1500)).build();
    List<String> seen = new ArrayList<>();
    try (EventStream events = kimi.withOptions(quick).requestEvents("GET", "events", null)) {
      assertThatThrownBy(() -> events.forEach(e -> seen.add(e.data())))
          .isInstanceOf(KimiTimeoutException.class)
          .hasMessageContaining("RequestOptions.timeout");
    }
    assertThat(seen).containsExactly("first");
  }

  // ---------------------------------------------------------------- request size limit

  @Test
  void aBodyOverTheRequestLimitFailsBeforeAnythingIsSent() {
    KimiClient kimi = client(b -> b.maxRequestBytes(1000));
    ChatRequest big = ChatRequest.of("kimi-k3", "x".repeat(2000));
    assertThatThrownBy(() -> kimi.chat(big))
        .isInstanceOf(PreflightException.class)
        .hasMessageContaining("over the client's request size limit of 1000 bytes");
    assertThatThrownBy(() -> kimi.stream(big)).isInstanceOf(PreflightException.class);
    JsonObject bigJson =
        JsonObject.of("input", io.github.kimisdk.json.JsonString.of("y".repeat(2000)));
    assertThatThrownBy(() -> kimi.request("POST", "responses", bigJson))
        .isInstanceOf(PreflightException.class);
    assertThat(server.requestCount()).isZero();
    assertThat(kimi.chat(HI).text()).isNotEmpty();
  }

  @Test
  void kimiCodeClientsLimitBodiesToTwoMebibytesByDefaultAndOthersDoNot() {
    String huge = "z".repeat((int) KimiClient.KIMI_CODE_MAX_REQUEST_BYTES);
    ChatRequest big = ChatRequest.of("kimi-for-coding", huge);
    KimiClient code =
        client(
            KimiClient.builder().apiKey("sk-kimi-0123456789abcdef").endpoint(Endpoint.KIMI_CODE));
    assertThatThrownBy(() -> code.chat(big))
        .isInstanceOf(PreflightException.class)
        .hasMessageContaining("Kimi Code's request size limit of 2097152 bytes");
    KimiClient unlimited = client();
    server.enqueue(FakeResponse.json(completionJson("fine")));
    assertThat(unlimited.chat(ChatRequest.of("kimi-k3", huge)).text()).isEqualTo("fine");
  }

  // ---------------------------------------------------------------- client sampling policy

  @Test
  void aClientThatAdaptsDropsAFixedTemperatureThatOneThatRefusesSends() {
    ChatRequest hot = ChatRequest.builder("kimi-k3").addUser("Hi").temperature(0.3).build();
    KimiClient refusing = client(b -> b.modelChecks(false));
    assertThatThrownBy(() -> refusing.chat(hot)).isInstanceOf(InvalidRequestException.class);
    assertThat(server.takeRequest().bodyText()).contains("\"temperature\":0.3");
    RequestOptions adaptThisCall =
        RequestOptions.builder().samplingPolicy(SamplingPolicy.ADAPT).build();
    assertThat(refusing.withOptions(adaptThisCall).chat(hot).text()).isNotEmpty();
    assertThat(server.takeRequest().bodyText())
        .as("a call's policy wins over the client's")
        .doesNotContain("temperature");
    KimiClient adapting = client(b -> b.samplingPolicy(SamplingPolicy.ADAPT));
    assertThat(adapting.chat(hot).text()).isNotEmpty();
    assertThat(server.takeRequest().bodyText()).doesNotContain("temperature");
  }

  // ---------------------------------------------------------------- helpers

  private static FakeResponse slowCompletion(Duration delay) {
    return FakeResponse.json(completionJson("slow")).withHeadersDelay(delay);
  }

  static String completionJson(String text) {
    return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
        + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
        + "\"assistant\",\"content\":\""
        + text
        + "\"},\"finish_reason\":\"stop\"}]}";
  }

  static String err(String type, String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\"}}";
  }

  private static Throwable catchIt(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
