package io.github.kimisdk.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A suite that sends its chats to {@link FakeKimiExtension}'s fake as any HTTP client sends one,
 * the body as the test wrote it: raw JSON over HTTP/1.1 with the key {@code k}, so that what the
 * fake answers is judged without a client of ours in between.
 */
@ExtendWith(FakeKimiExtension.class)
abstract class RawChatSuite {
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** The test's fake, from {@link FakeKimiExtension}. */
  FakeKimiServer server;

  /** Takes the test's fake from {@link FakeKimiExtension}. */
  @BeforeEach
  void takeServer(FakeKimiServer server) {
    this.server = server;
  }

  /** Posts {@code body} to the test's fake, as {@link #chat(FakeKimiServer, String)} does. */
  HttpResponse<String> chat(String body) throws Exception {
    return chat(server, body);
  }

  /** Posts {@code body} to the server's {@code /chat/completions} and reads the answer whole. */
  static HttpResponse<String> chat(FakeKimiServer server, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
            .header("Authorization", "Bearer k")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
