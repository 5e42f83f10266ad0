package io.github.kimisdk.internal.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Goldens;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.completions.MessageForm;
import io.github.kimisdk.chat.format.SavedForm;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch's input lines are chat completions requests in Kimi's format, which carries no version of
 * the SDK's: the golden lines written before the record codec left the chat wire hold it instead.
 * The batch writer still writes them byte for byte, and each line reads back as its request.
 */
class BatchInputGoldenTest {

  private static final String FILE = "batch-v1-input.jsonl";

  @Test
  void theBatchWriterWritesTheGoldenLinesByteForByte() {
    String written =
        new String(PlatformCodec.batchInput(Goldens.batchRequests()), StandardCharsets.UTF_8);
    assertThat(written).isEqualTo(Goldens.read(FILE));
  }

  @Test
  void eachGoldenLineReadsBackAsItsRequest() {
    List<ChatRequest> requests = Goldens.batchRequests();
    String[] lines = Goldens.read(FILE).split("\n");
    assertThat(lines).hasSize(requests.size());
    for (int i = 0; i < lines.length; i++) {
      ChatRequest request = requests.get(i);
      JsonObject line = Json.parse(lines[i]).asObject();
      assertThat(line.members()).containsOnlyKeys("custom_id", "method", "url", "body");
      assertThat(line.get("custom_id")).isEqualTo(JsonString.of("request-" + i));
      assertThat(line.get("method")).isEqualTo(JsonString.of("POST"));
      assertThat(line.get("url")).isEqualTo(JsonString.of("/v1/chat/completions"));
      JsonObject body = line.get("body").asObject();
      assertThat(body.get("model")).isEqualTo(JsonString.of(request.model()));
      assertThat(body.get("stream")).as("a batch line never streams").isNull();
      List<Message> messages = new ArrayList<>();
      for (JsonValue m : ((JsonArray) body.get("messages")).values()) {
        messages.add(SavedForm.readMessage(m.asObject()));
      }
      assertThat(messages).as("line %s", i).isEqualTo(request.messages());
      JsonValue tools = body.get("tools");
      if (request.tools().isEmpty()) {
        assertThat(tools).isNull();
      } else {
        assertThat(tools).isEqualTo(Json.parse(MessageForm.toolsJson(request.tools())));
      }
    }
  }
}
