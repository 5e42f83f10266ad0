package io.github.kimisdk.ui;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.testng.SkipException;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against {@link UiResponse#events()} of a chat stream, over loopback:
 * each publisher is a real call to {@link FakeKimiServer}, read from Kimi only as the subscriber
 * asks. A chat of {@code k >= 1} content chunks (and a last chunk with the finish reason) is {@code
 * 7 + k} events ({@code start}, {@code start-step}, {@code text-start}, one {@code text-delta} per
 * chunk, {@code text-end}, {@code finish-step}, {@code finish}, {@code [DONE]}) and a chat of none
 * is 5: so {@code createFlowPublisher(n)} gives exactly {@code n} events for 5 and for 8 or more.
 * Asked for none it gives the 5 (the TCK's cases that ask for none only subscribe); the sizes no
 * chat stream has (1 to 4, 6, 7) are skipped, with the reason: those cases run against the same
 * publisher in {@link RunEventsTckTest}, whose source gives any size. A failed publisher is one
 * whose one subscriber was taken.
 */
class ChatEventsTckTest extends UiEventsTck {

  private FakeKimiServer server;
  private KimiClient kimi;

  public ChatEventsTckTest() {
    super(loaded(200));
  }

  @BeforeClass
  public void startServer() {
    // each request says how many content chunks it wants ("k=5")
    server =
        new FakeKimiServer()
            .respondWith(
                r -> {
                  String body = r.bodyText();
                  int at = body.indexOf("k=");
                  long k = Long.parseLong(body.substring(at + 2, body.indexOf('"', at)));
                  List<String> chunks = new ArrayList<>();
                  for (long i = 1; i <= k; i++) {
                    chunks.add(chunk("\"content\":\"w" + i + " \"", "null"));
                  }
                  chunks.add(chunk("", "\"stop\""));
                  return FakeResponse.stream(chunks);
                })
            .start();
    kimi = KimiClient.builder().apiKey("sk-tck").baseUrl(server.baseUrl()).build();
  }

  @AfterClass
  public void stopServer() {
    kimi.close();
    server.close();
  }

  private static String chunk(String delta, String finishReason) {
    return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kimi-k2.6\","
        + "\"choices\":[{\"index\":0,\"delta\":{"
        + delta
        + "},\"finish_reason\":"
        + finishReason
        + "}]}";
  }

  private Flow.Publisher<String> chat(long contentChunks) {
    ChatRequest request =
        ChatRequest.builder("kimi-k2.6")
            .thinking(Thinking.disabled())
            .addUser("k=" + contentChunks)
            .build();
    return UiResponse.of(kimi.stream(request)).events();
  }

  @Override
  public Flow.Publisher<String> createFlowPublisher(long elements) {
    if (elements == 0 || elements == 5) {
      return chat(0);
    }
    if (elements < 8) {
      throw new SkipException(
          "no chat stream is " + elements + " events (RunEventsTckTest runs this case)");
    }
    return chat(elements - 7);
  }

  @Override
  public Flow.Publisher<String> createFailedFlowPublisher() {
    return taken(chat(0));
  }

  /** Rule 3.13 checked on a chat of one content chunk: a chat stream has no 3 events. */
  @Override
  protected long dropCheckElements() {
    return 8;
  }
}
