package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelPublisherListenerTest;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;

/**
 * LangChain4j 1.20's listener kit for the publisher path ({@code
 * AbstractStreamingChatModelPublisherListenerTest}): the listeners hear the request and then the
 * response or the error, and only the request when the subscriber cancels or its {@code onNext}
 * throws. Each scenario's stream is scripted on the fake: so many content chunks, at once or spread
 * over the time the kit gives, or a 500.
 */
class KimiStreamingChatModelPublisherListenerKitTest
    extends AbstractStreamingChatModelPublisherListenerTest {

  private final List<FakeKimiServer> servers = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeServers() {
    servers.forEach(FakeKimiServer::close);
  }

  @Override
  protected StreamingChatModel createModel(ChatModelListener listener, StreamScenario scenario) {
    FakeKimiServer server = new FakeKimiServer().start();
    servers.add(server);
    server.enqueue(scripted(scenario));
    return KimiStreamingChatModel.builder()
        .apiKey("sk-kit")
        .baseUrl(server.baseUrl())
        .maxRetries(0)
        .modelName(KitServer.MODEL)
        .listeners(List.of(listener))
        .build();
  }

  private static FakeResponse scripted(StreamScenario scenario) {
    if (scenario.fail()) {
      return FakeResponse.error(
          500, "{\"error\":{\"type\":\"server_error\",\"message\":\"scripted failure\"}}");
    }
    List<String> chunks = new ArrayList<>();
    for (int i = 0; i < scenario.contentChunks(); i++) {
      chunks.add(chunk("\"content\":\"" + i + " \"", "null"));
    }
    chunks.add(chunk("", "\"stop\""));
    Duration pause =
        scenario.spreadOverMillis() > 0
            ? Duration.ofMillis(scenario.spreadOverMillis() / chunks.size())
            : Duration.ZERO;
    return FakeResponse.stream(chunks, pause);
  }

  private static String chunk(String delta, String finishReason) {
    return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
        + KitServer.MODEL
        + "\",\"choices\":[{\"index\":0,\"delta\":{"
        + delta
        + "},\"finish_reason\":"
        + finishReason
        + "}]}";
  }
}
