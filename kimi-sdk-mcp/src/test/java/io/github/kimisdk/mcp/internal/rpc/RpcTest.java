package io.github.kimisdk.mcp.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.Door;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.McpProgress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JSON-RPC engine over an in-memory transport: matching, dispatch and bounds. */
class RpcTest {

  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final List<String> peerSaw = new CopyOnWriteArrayList<>();
  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private final List<Long> abandoned = new CopyOnWriteArrayList<>();

  /** Timeouts a test holds back and fires itself, so no race with real time decides it. */
  private final List<Runnable> heldTimeouts = new CopyOnWriteArrayList<>();

  private volatile boolean holdTimeouts;

  private final Transport transport =
      new Transport() {
        @Override
        public void start(Sink sink) {}

        @Override
        public void send(JsonObject message, long id) {
          sent.add(Json.write(message));
        }

        @Override
        public void abandon(long id) {
          abandoned.add(id);
        }

        @Override
        public void close() {}

        @Override
        public String describe() {
          return "memory";
        }

        @Override
        public String diagnostics() {
          return "; (diagnostics)";
        }
      };

  private final Rpc rpc =
      new Rpc(
          transport,
          new Rpc.Peer() {
            @Override
            public JsonValue onRequest(String method, JsonValue params) {
              return method.equals("ping") ? JsonObject.of() : null;
            }

            @Override
            public void onNotification(String method, JsonValue params) {
              peerSaw.add(method);
            }

            @Override
            public void onProgress(McpProgress progress) {
              peerSaw.add(progress.toString());
            }
          },
          (task, delay) -> {
            if (holdTimeouts) {
              heldTimeouts.add(task);
              return () -> heldTimeouts.remove(task);
            }
            var f = timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
          },
          2,
          () -> "mem",
          Door.failures());

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  private CompletableFuture<JsonValue> request(String method) {
    return rpc.request(method, null, Duration.ofSeconds(10), null, false);
  }

  @Test
  void requestsAreNumberedAndCarryProgressTokensBesideTheirOwnMeta() {
    request("a");
    rpc.request(
        "tools/call",
        Json.parse("{\"name\":\"x\",\"_meta\":{\"trace\":\"t1\"}}").asObject(),
        Duration.ofSeconds(10),
        "x",
        true);
    assertThat(sent)
        .containsExactly(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"x\","
                + "\"_meta\":{\"trace\":\"t1\",\"progressToken\":2}}}");
  }

  @Test
  void aBatchAnswersSeveralRequestsAndStringIdsMatch() throws Exception {
    CompletableFuture<JsonValue> a = request("a");
    CompletableFuture<JsonValue> b = request("b");
    rpc.message(
        Json.parse(
            "[{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"b\":1}},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{\"a\":1}}]"));
    assertThat(a.get()).isEqualTo(JsonObject.of("a", Json.parse("1")));
    assertThat(b.get()).isEqualTo(JsonObject.of("b", Json.parse("1")));
  }

  @Test
  void anAnswerToNoWaitingRequestIsIgnored() {
    CompletableFuture<JsonValue> a = request("a");
    rpc.message(Json.parse("{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}"));
    rpc.message(
        Json.parse(
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"x\"}}"));
    assertThat(a).isNotDone();
    assertThat(rpc.pending(1)).isTrue();
  }

  @Test
  void anErrorAnswerCarriesCodeMessageAndData() {
    CompletableFuture<JsonValue> a =
        rpc.request("tools/call", null, Duration.ofSeconds(10), "x", false);
    rpc.message(
        Json.parse(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"bad\",\"data\":[1]}}"));
    assertThatThrownBy(a::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(McpException.class)
        .hasMessage("MCP server \"mem\": tools/call \"x\" failed: bad (JSON-RPC error -32602)")
        .satisfies(e -> assertThat(((McpException) e).errorData()).hasValue(Json.parse("[1]")));
  }

  @Test
  void theServersRequestsAreAnsweredWithTheirOwnIds() {
    rpc.message(Json.parse("{\"jsonrpc\":\"2.0\",\"id\":\"p1\",\"method\":\"ping\"}"));
    rpc.message(Json.parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"roots/list\"}"));
    assertThat(sent)
        .containsExactly(
            "{\"jsonrpc\":\"2.0\",\"id\":\"p1\",\"result\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32601,\"message\":\"Method not"
                + " found: roots/list (this client does not offer it)\"}}");
  }

  @Test
  void notificationsReachThePeerExceptCancellationsAndStrayProgress() {
    rpc.request("tools/call", null, Duration.ofSeconds(10), "slow", true);
    rpc.message(
        Json.parse(
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
                + "{\"progressToken\":1,\"progress\":0.5}}"));
    rpc.message(
        Json.parse(
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
                + "{\"progressToken\":\"other\",\"progress\":1}}"));
    rpc.message(
        Json.parse(
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":5}}"));
    rpc.message(Json.parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/resources/updated\"}"));
    assertThat(peerSaw)
        .containsExactly(
            "McpProgress[operation=slow, progress=0.5]", "notifications/resources/updated");
  }

  @Test
  void whatIsNotJsonRpcIsCountedAndQuotedWhenARequestTimesOut() throws Exception {
    holdTimeouts = true;
    CompletableFuture<JsonValue> a = rpc.request("slow", null, Duration.ofMillis(100), null, false);
    rpc.message(Json.parse("42"));
    rpc.message(Json.parse("{\"jsonrpc\":\"2.0\"}"));
    assertThat(heldTimeouts).hasSize(1);
    heldTimeouts.forEach(timer::execute); // the 100 ms are up once both messages arrived
    assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS))
        .cause()
        .hasMessage(
            "MCP server \"mem\": slow got no answer within 100 ms; it was cancelled on the server;"
                + " meanwhile the server wrote 2 messages that are not JSON-RPC, the last:"
                + " {\"jsonrpc\":\"2.0\"} (neither a request, a notification nor an answer);"
                + " (diagnostics)");
    // The caller may see the failure before the cancellation is sent.
    timer.shutdown();
    assertThat(timer.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(abandoned).containsExactly(1L);
    assertThat(sent)
        .last()
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":"
                + "{\"requestId\":1,\"reason\":\"timed out after 100 ms\"}}");
  }

  @Test
  void initializeIsNeverCancelled() {
    CompletableFuture<JsonValue> a =
        rpc.request("initialize", null, Duration.ofMillis(50), null, false);
    assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS))
        .cause()
        .hasMessage("MCP server \"mem\": initialize got no answer within 50 ms; (diagnostics)");
    assertThat(sent).hasSize(1);
  }

  @Test
  void requestsInFlightAreBoundedAndFreedByAnswers() throws Exception {
    request("a");
    request("b");
    assertThatThrownBy(() -> request("c").get())
        .cause()
        .extracting(e -> ((McpException) e).kind())
        .isEqualTo(McpException.Kind.LIMIT);
    rpc.message(Json.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));
    assertThat(request("d")).isNotDone();
  }

  @Test
  void aClosedConnectionFailsWhatWaitsAndWhatComes() {
    CompletableFuture<JsonValue> a = request("a");
    McpException gone = new McpException("mem", McpException.Kind.CONNECTION, "gone", null);
    rpc.closed(gone);
    assertThatThrownBy(a::get).cause().isSameAs(gone);
    assertThatThrownBy(() -> request("b").get())
        .cause()
        .hasMessage("MCP server \"mem\": b not sent: the connection is closed")
        .hasCause(gone);
    assertThat(rpc.closedBy()).isSameAs(gone);
  }
}
