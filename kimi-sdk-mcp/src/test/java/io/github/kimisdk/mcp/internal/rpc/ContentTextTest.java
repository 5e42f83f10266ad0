package io.github.kimisdk.mcp.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentTextTest {

  @Test
  void resultsAreTextForTheModel() {
    JsonObject sum = JsonObject.of("sum", JsonNumber.of(5));
    List<JsonValue> textOnly =
        List.of(
            Json.parse("{\"type\":\"text\",\"text\":\"a\"}"),
            Json.parse("{\"type\":\"text\",\"text\":\"b\"}"));
    assertThat(ContentText.text(textOnly, null)).isEqualTo("a\nb");
    assertThat(ContentText.text(List.of(), null)).isEmpty();
    assertThat(ContentText.text(List.of(), sum)).isEqualTo("{\"sum\":5}");
    assertThat(ContentText.text(textOnly, sum)).isEqualTo("a\nb\n{\"sum\":5}");
    assertThat(
            ContentText.text(
                List.of(Json.parse("{\"type\":\"text\",\"text\":\" {\\\"sum\\\": 5} \"}")), sum))
        .isEqualTo(" {\"sum\": 5} ");
    assertThat(
            ContentText.text(
                List.of(
                    Json.parse(
                        "{\"type\":\"audio\",\"mimeType\":\"audio/wav\",\"data\":\"AAAA\"}")),
                null))
        .isEqualTo("[audio audio/wav, 3 bytes, not shown]");
    assertThat(ContentText.text(List.of(Json.parse("{\"type\":\"hologram\",\"x\":1}")), null))
        .isEqualTo("[content of type hologram: {\"type\":\"hologram\",\"x\":1}]");
    assertThat(ContentText.text(List.of(JsonString.of("loose")), null))
        .isEqualTo("[content of type (none): \"loose\"]");
  }
}
