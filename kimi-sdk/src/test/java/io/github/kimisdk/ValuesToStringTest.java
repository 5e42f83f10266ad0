package io.github.kimisdk;

import static io.github.kimisdk.base.text.RecordTexts.assertPrints;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.host.ServedBy;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the root package's values print: the members that are set. Each test is the table of one
 * record type: a value, then its text.
 */
class ValuesToStringTest {

  static final ChatRequest HI = ChatRequest.of("kimi-k3", "Hi");

  @Test
  void callEvents() {
    CallEvent.Call platform =
        new CallEvent.Call(
            7,
            CallEvent.Operation.PLATFORM,
            null,
            "/v1/files",
            URI.create("http://h/v1/files"),
            null);
    CallEvent.Call chat =
        new CallEvent.Call(
            8,
            CallEvent.Operation.CHAT,
            "kimi-k3",
            "/v1/chat/completions",
            URI.create("http://h/v1/chat/completions"),
            HI);
    String chatText =
        "Call[id=8, operation=CHAT, model=kimi-k3, endpoint=http://h/v1/chat/completions,"
            + " request=1 messages]";
    assertPrints(
        platform,
        "Call[id=7, operation=PLATFORM, endpoint=http://h/v1/files]",
        chat,
        chatText,
        new CallEvent.Request(chat, 1, 120, null),
        "Request[call=" + chatText + ", attempt=1, bodyBytes=120]",
        new CallEvent.End(
            chat, 1, Duration.ofMillis(5), null, FinishReason.STOP, null, null, null, "c-1", null),
        "End[call="
            + chatText
            + ", attempts=1, duration=PT0.005S, finishReason=stop,"
            + " responseId=c-1]");
  }

  @Test
  void servedBy() {
    URI base = URI.create("https://api.moonshot.ai/v1");
    assertPrints(
        new ServedBy(0, "moonshot", base, null),
        "ServedBy[target=0, host=moonshot, baseUrl=https://api.moonshot.ai/v1]",
        new ServedBy(1, "vllm", URI.create("http://127.0.0.1:8000/v1"), "kimi-k3"),
        "ServedBy[target=1, host=vllm, baseUrl=http://127.0.0.1:8000/v1, model=kimi-k3]");
  }

  @Test
  void requestOptions() {
    assertPrints(
        RequestOptions.builder().header("X-Secret", "v").timeout(Duration.ofSeconds(3)).build(),
        "RequestOptions[headers=[X-Secret], timeout=PT3S]",
        RequestOptions.builder().build(),
        "RequestOptions[]");
  }
}
