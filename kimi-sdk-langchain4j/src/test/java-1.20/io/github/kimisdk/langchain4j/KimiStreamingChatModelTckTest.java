package io.github.kimisdk.langchain4j;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatModelStreamingEvent;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.SkipException;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against {@link KimiStreamingChatModel#doChat(ChatRequest)}'s publisher,
 * over loopback: each publisher is a real HTTP call to {@link FakeKimiServer}, whose stream has one
 * content chunk per event asked for but the last, which is the {@code CompleteResponse}.
 */
class KimiStreamingChatModelTckTest extends FlowPublisherVerification<ChatModelStreamingEvent> {

  private FakeKimiServer server;
  private StreamingChatModel model; // as LangChain4j calls it: the publisher's type is generic there

  public KimiStreamingChatModelTckTest() {
    // as the core's HTTP-backed TCK tests: a cancelled publisher lets its subscriber go once the
    // HTTP exchange behind it is cancelled, which the JDK's client finishes on its own thread, on a
    // loaded machine later than the TCK's default 300 ms (spec 3.13), so allow it 5 s, and the
    // HTTP-backed signals 5 s too (2 s were reached on a machine at a load of 15)
    // expected signals polled every 10 ms: with two arguments the TCK polls once per timeout, so
    // each expected error cost the whole timeout
    super(new TestEnvironment(5000, 200, 10), 5000);
  }

  @BeforeClass
  public void startServer() {
    // each request says how many events it wants ("n=5") or asks to fail ("fail")
    server =
        new FakeKimiServer()
            .respondWith(
                r -> {
                  String body = r.bodyText();
                  if (body.contains("fail")) {
                    return FakeResponse.error(
                        500, "{\"error\":{\"type\":\"server_error\",\"message\":\"tck\"}}");
                  }
                  int at = body.indexOf("n=");
                  long n = Long.parseLong(body.substring(at + 2, body.indexOf('"', at)));
                  List<String> chunks = new ArrayList<>();
                  for (long i = 1; i < n; i++) {
                    chunks.add(chunk("\"content\":\"" + i + "\"", "null"));
                  }
                  chunks.add(chunk("", "\"stop\""));
                  return FakeResponse.stream(chunks);
                })
            .start();
    model =
        KimiStreamingChatModel.builder()
            .apiKey("sk-tck")
            .baseUrl(server.baseUrl())
            .maxRetries(0)
            .modelName(KitServer.MODEL)
            .build();
  }

  @AfterClass
  public void stopServer() {
    ((KimiStreamingChatModel) model).client().close();
    server.close();
  }

  private static String chunk(String delta, String finishReason) {
    return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kimi-k3\","
        + "\"choices\":[{\"index\":0,\"delta\":{"
        + delta
        + "},\"finish_reason\":"
        + finishReason
        + "}]}";
  }

  private static ChatRequest ask(String text) {
    return ChatRequest.builder().messages(UserMessage.from(text)).build();
  }

  /**
   * A publisher of {@code elements} events. Every stream ends with its {@code CompleteResponse},
   * so the fewest is one: asked for none, this gives that one. The TCK's two required cases that
   * ask for none only subscribe (onSubscribe first; a null subscriber refused); the optional one
   * that needs an empty stream is skipped below.
   */
  @Override
  public Flow.Publisher<ChatModelStreamingEvent> createFlowPublisher(long elements) {
    return model.doChat(ask("n=" + Math.max(1, elements)));
  }

  @Override
  public Flow.Publisher<ChatModelStreamingEvent> createFailedFlowPublisher() {
    return model.doChat(ask("fail"));
  }

  @Override
  public long maxElementsFromPublisher() {
    return 1024;
  }

  @Override
  public void optional_spec105_emptyStreamMustTerminateBySignallingOnComplete() {
    throw new SkipException("no stream is empty: each ends with its CompleteResponse");
  }
}
