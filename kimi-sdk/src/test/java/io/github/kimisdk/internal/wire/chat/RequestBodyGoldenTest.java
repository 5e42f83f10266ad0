package io.github.kimisdk.internal.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Goldens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The chat completions request bodies stay byte for byte what they were when the golden files were
 * written: a change to how a message, a tool call, a tool or a top-level field is written fails
 * here first, naming the request.
 */
class RequestBodyGoldenTest {

  private static String body(ChatRequest r) {
    return new String(ChatCodec.encodeRequest(r), StandardCharsets.UTF_8);
  }

  @Test
  void theCorpusEncodesToTheGoldenBodies() {
    List<ChatRequest> requests = Goldens.chatRequests();
    String[] lines = Goldens.read("chat-request-bodies-v1.jsonl").split("\n");
    assertThat(lines).hasSize(requests.size());
    for (int i = 0; i < lines.length; i++) {
      assertThat(body(requests.get(i))).as("request %s", i).isEqualTo(lines[i]);
    }
  }

  @Test
  void aThousandRandomRequestsEncodeToTheGoldenDigests() throws NoSuchAlgorithmException {
    String[] lines = Goldens.read("chat-request-bodies-random-v1.sha256").split("\n");
    assertThat(lines).hasSize(1000);
    Random random = new Random(61);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < lines.length; i++) {
      ChatRequest r = Goldens.randomRequest(random);
      byte[] body = ChatCodec.encodeRequest(r);
      String digest = HexFormat.of().formatHex(sha.digest(body), 0, 8);
      assertThat(i + " " + digest)
          .as("random request %s, now encoded as %s", i, new String(body, StandardCharsets.UTF_8))
          .isEqualTo(lines[i]);
    }
  }
}
