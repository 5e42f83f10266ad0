package com.example.kimi.boot;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Flow;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;

/**
 * The chat endpoints, over Spring AI's {@link ChatClient} (Kimi's chat model behind it). The
 * streamed ones send every piece of the reply as a JSON event ({@code
 * data:{"text":" world"}}), never as bare text: Spring writes {@code data:} without a space after
 * the colon, and a browser's EventSource strips one leading space from the data, so a piece sent as
 * text loses its leading space ("Hellofroma stream").
 */
@RestController
class ChatController {

  /** What a browser sends to {@code /chat}. */
  record Question(String message) {}

  /** The answer of {@code /chat}. */
  record Answer(String id, String model, String text) {}

  /** One piece of a streamed answer, sent as the data of one event. */
  record Piece(String text) {}

  private final ChatClient chat;

  ChatController(ChatClient chat) {
    this.chat = chat;
  }

  @PostMapping("/chat")
  Answer chat(@RequestBody Question question) {
    ChatResponse reply = chat.prompt(question.message()).call().chatResponse();
    return new Answer(
        reply.getMetadata().getId(),
        reply.getMetadata().getModel(),
        reply.getResult().getOutput().getText());
  }

  /**
   * Streams the reply through a {@link Flux}: when the browser leaves, Spring cancels the Flux,
   * which cancels Kimi's stream, which closes the upstream call.
   */
  @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  Flux<ServerSentEvent<Piece>> stream(@RequestParam String message) {
    return chat.prompt(message)
        .stream()
        .content()
        .map(text -> ServerSentEvent.builder(new Piece(text)).build());
  }

  /**
   * Streams the reply through an {@link SseEmitter}: a subscriber sends each piece, asking for the
   * next only once it was written; a failed write (the browser left) cancels the stream.
   */
  @GetMapping(path = "/stream/emitter", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter streamWithEmitter(@RequestParam String message) {
    SseEmitter emitter = new SseEmitter(Duration.ofMinutes(5).toMillis());
    JdkFlowAdapter.publisherToFlowPublisher(chat.prompt(message).stream().content())
        .subscribe(new EmitterSubscriber(emitter));
    return emitter;
  }

  private static final class EmitterSubscriber implements Flow.Subscriber<String> {
    private final SseEmitter emitter;
    private Flow.Subscription subscription;

    EmitterSubscriber(SseEmitter emitter) {
      this.emitter = emitter;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      emitter.onTimeout(s::cancel);
      emitter.onError(error -> s.cancel());
      s.request(1);
    }

    @Override
    public void onNext(String text) {
      try {
        emitter.send(SseEmitter.event().data(new Piece(text), MediaType.APPLICATION_JSON));
        subscription.request(1);
      } catch (IOException | IllegalStateException e) {
        subscription.cancel(); // the browser left: close the upstream call
        emitter.completeWithError(e);
      }
    }

    @Override
    public void onError(Throwable error) {
      emitter.completeWithError(error);
    }

    @Override
    public void onComplete() {
      emitter.complete();
    }
  }
}
