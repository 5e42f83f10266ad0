package com.example.ui.spring;

import io.github.kimisdk.ui.AgentChat;
import io.github.kimisdk.ui.UiResponse;
import java.security.Principal;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The chat's endpoints on WebFlux: each returns kimi-sdk-ui's response as a {@code Flux<String>}
 * (Reactor's {@code JdkFlowAdapter} over {@link UiResponse#events()}, which honours the demand
 * Netty signals); with the stream's content type, {@code text/event-stream}, Spring writes each
 * part as an event and flushes it. Reading the chat's runs blocks, so it runs on {@code
 * boundedElastic}.
 */
@RestController
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
class ChatFluxController {
  private final AgentChat chat;

  ChatFluxController(AgentChat chat) {
    this.chat = chat;
  }

  @PostMapping("/api/chat")
  Mono<ResponseEntity<Flux<String>>> post(@RequestBody byte[] body, Mono<Principal> principal) {
    return answer(principal, who -> () -> chat.post(body, who));
  }

  @GetMapping("/api/chat/{id}/stream")
  Mono<ResponseEntity<Flux<String>>> resume(@PathVariable String id, Mono<Principal> principal) {
    return answer(principal, who -> () -> chat.resume(id, who));
  }

  @GetMapping("/api/chat/{id}/messages")
  Mono<ResponseEntity<Flux<String>>> messages(@PathVariable String id, Mono<Principal> principal) {
    return answer(principal, who -> () -> chat.messages(id, who));
  }

  private static Mono<ResponseEntity<Flux<String>>> answer(
      Mono<Principal> principal, Function<String, Supplier<UiResponse>> call) {
    return principal
        .map(Identity::of)
        .defaultIfEmpty(Identity.of(null))
        .publishOn(Schedulers.boundedElastic())
        .map(who -> send(call.apply(who).get()));
  }

  static ResponseEntity<Flux<String>> send(UiResponse r) {
    ResponseEntity.BodyBuilder b = ResponseEntity.status(r.status());
    r.headers().forEach((name, value) -> b.header(name, value));
    if (r.status() == 204) {
      return b.build();
    }
    return b.body(JdkFlowAdapter.flowPublisherToFlux(r.events()));
  }
}
