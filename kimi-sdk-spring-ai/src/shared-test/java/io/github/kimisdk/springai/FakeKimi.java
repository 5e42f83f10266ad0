package io.github.kimisdk.springai;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test's fake Kimi and a client on it (no retries, so a refusal fails at once), closed after the
 * test; register it with {@code @RegisterExtension}.
 */
final class FakeKimi implements AfterEachCallback {

  static final String KEY = "sk-spring";

  final FakeKimiServer server = new FakeKimiServer().trackConnections().start();
  final KimiClient client =
      KimiClient.builder()
          .apiKey(KEY)
          .baseUrl(server.baseUrl())
          .retryPolicy(RetryPolicy.none())
          .build();

  /** A chat model on the client, with the default options (kimi-k3). */
  KimiChatModel model() {
    return KimiChatModel.builder().kimiClient(client).build();
  }

  /** The recorded chat requests' bodies, in order. */
  List<JsonObject> requests() {
    List<JsonObject> out = new ArrayList<>();
    for (RecordedRequest r : server.requests()) {
      if (r.path().endsWith("/chat/completions")) {
        out.add(r.json().asObject());
      }
    }
    return out;
  }

  /** The messages of a request body. */
  static List<JsonObject> messages(JsonObject request) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonValue m : request.get("messages").asArray().values()) {
      out.add(m.asObject());
    }
    return out;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    client.close();
    server.close();
  }
}
