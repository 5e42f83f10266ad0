package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.StreamingMode;
import java.util.List;

/**
 * LangChain4j 1.20's streaming kit in its publisher mode: every case of {@link
 * KimiStreamingChatModelKitTest} again, each answered through {@code chat(ChatRequest)}'s {@code
 * Flow.Publisher} (the kit subscribes, checks that the events come off the subscribing thread, one
 * {@code CompleteResponse} last, each call's fragments before its completion, and the same answers
 * as the handler mode). The kit skips its handle-cancellation case here: a publisher is cancelled
 * through its subscription, which {@code FlowStreamingHttpTest} and the TCK cover.
 */
class KimiStreamingChatModelPublisherKitTest extends KimiStreamingChatModelKitTest {

  @Override
  protected List<StreamingMode> streamingModes() {
    return List.of(StreamingMode.PUBLISHER);
  }

  @Override
  protected List<StreamingChatModel> models() {
    return super.models().stream()
        .map(m -> (StreamingChatModel) new StreamingModeAwareModel(m, StreamingMode.PUBLISHER))
        .toList();
  }
}
