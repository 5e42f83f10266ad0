package com.example.ui.spring;

import io.github.kimisdk.ui.AgentChat;
import io.github.kimisdk.ui.UiResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The chat's endpoints on Spring MVC: each returns kimi-sdk-ui's response as a {@code
 * StreamingResponseBody}, which Spring runs on its async executor, blocking as the client reads.
 * It writes to the servlet response's own stream: the stream Spring hands a {@code
 * StreamingResponseBody} ignores {@code flush()} (Spring Framework 7), which would hold the parts
 * back until the reply ends.
 */
@RestController
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ChatMvcController {
  private final AgentChat chat;

  ChatMvcController(AgentChat chat) {
    this.chat = chat;
  }

  @PostMapping("/api/chat")
  ResponseEntity<StreamingResponseBody> post(
      HttpServletRequest request, HttpServletResponse response) throws IOException {
    String who = Identity.of(request.getUserPrincipal());
    return send(chat.post(request.getInputStream(), who), response);
  }

  @GetMapping("/api/chat/{id}/stream")
  ResponseEntity<StreamingResponseBody> resume(
      @PathVariable String id, HttpServletRequest request, HttpServletResponse response) {
    return send(chat.resume(id, Identity.of(request.getUserPrincipal())), response);
  }

  @GetMapping("/api/chat/{id}/messages")
  ResponseEntity<StreamingResponseBody> messages(
      @PathVariable String id, HttpServletRequest request, HttpServletResponse response) {
    return send(chat.messages(id, Identity.of(request.getUserPrincipal())), response);
  }

  static ResponseEntity<StreamingResponseBody> send(UiResponse r, HttpServletResponse response) {
    ResponseEntity.BodyBuilder b = ResponseEntity.status(r.status());
    r.headers().forEach((name, value) -> b.header(name, value));
    return r.status() == 204 ? b.build() : b.body(out -> r.writeTo(response.getOutputStream()));
  }
}
