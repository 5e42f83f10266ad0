package io.github.kimisdk.langchain4j;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.atLeastOnce;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.mockito.InOrder;

/**
 * LangChain4j's own test kit for a {@link StreamingChatModel} ({@code
 * AbstractStreamingChatModelIT}), run on kimi-k3 with thinking as it comes and with thinking off,
 * against {@link KitServer}. The kit leaves the order of tool callbacks to the provider: here
 * reasoning first (a thinking model reasons before it calls), then each call's argument fragments
 * and its completion, call by call. The switches and their reasons are in the module's README.
 *
 * <p>The kit's cases run concurrently (this class and {@link
 * KimiStreamingChatModelFallbackKitTest}, which inherits the mode): each builds its own models and
 * handlers, the fake answers each request by its content alone, and {@code
 * should_cancel_streaming}'s fixed 30 s per model then overlap instead of adding up
 * (junit-platform.properties).
 */
@Execution(ExecutionMode.CONCURRENT)
class KimiStreamingChatModelKitTest extends AbstractStreamingChatModelIT {

  final KitServer kit = kit();

  /** The fake the kit runs against, and how the models reach it. */
  KitServer kit() {
    return new KitServer();
  }

  @AfterAll
  void closeServer() {
    kit.close();
  }

  @Override
  protected List<StreamingChatModel> models() {
    return KitServer.thinkingModes().stream()
        .map(t -> (StreamingChatModel) kit.streaming(t).build())
        .toList();
  }

  @Override
  public StreamingChatModel createModelWith(ChatModelListener listener) {
    return kit.streaming(null).listeners(List.of(listener)).build();
  }

  @Override
  protected StreamingChatModel createModelWith(ChatRequestParameters parameters) {
    return kit.streamingWith(parameters);
  }

  @Override
  protected String customModelName() {
    return KitServer.OTHER_MODEL;
  }

  @Override
  protected ChatRequestParameters createIntegrationSpecificParameters(int maxOutputTokens) {
    return KimiChatRequestParameters.builder().maxCompletionTokens(maxOutputTokens).build();
  }

  @Override
  protected int maxOutputTokens() {
    return KitServer.MAX_OUTPUT_TOKENS;
  }

  @Override
  protected boolean supportsSingleImageInputAsPublicURL() {
    return false; // Kimi reads images as base64 or uploaded files only (README)
  }

  @Override
  protected Class<? extends ChatResponseMetadata> chatResponseMetadataType(
      StreamingChatModel model) {
    return KimiChatResponseMetadata.class;
  }

  @Override
  protected Class<? extends TokenUsage> tokenUsageType(StreamingChatModel model) {
    return KimiTokenUsage.class;
  }

  @Override
  protected void verifyToolCallbacks(
      StreamingChatResponseHandler handler, InOrder io, String id, StreamingChatModel model) {
    io.verify(handler, atLeast(0)).onPartialThinking(any(), any());
    verifyCall(handler, io, 0, id, "getWeather", "{\"city\":\"Munich\"}");
  }

  @Override
  protected void verifyToolCallbacks(
      StreamingChatResponseHandler handler,
      InOrder io,
      String id1,
      String id2,
      StreamingChatModel model) {
    io.verify(handler, atLeast(0)).onPartialThinking(any(), any());
    verifyCall(handler, io, 0, id1, "getWeather", "{\"city\":\"Munich\"}");
    verifyCall(handler, io, 1, id2, "getTime", "{\"country\":\"France\"}");
  }

  @Override
  protected void verifyToolCallbacks(
      StreamingChatResponseHandler handler, InOrder io, StreamingChatModel model) {
    io.verify(handler, atLeast(0)).onPartialThinking(any(), any());
    super.verifyToolCallbacks(handler, io, model);
  }

  /** A call's fragments, each with its index, id and name, then its completion. */
  private static void verifyCall(
      StreamingChatResponseHandler handler,
      InOrder io,
      int index,
      String id,
      String name,
      String arguments) {
    io.verify(handler, atLeastOnce())
        .onPartialToolCall(
            argThat(p -> p.index() == index && id.equals(p.id()) && name.equals(p.name())), any());
    io.verify(handler).onCompleteToolCall(complete(index, id, name, arguments));
  }
}
