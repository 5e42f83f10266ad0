package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.foreign.ForeignProcess;
import io.github.kimisdk.foreign.Npm;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A polyglot team's tools against the standalone fake (the server {@code java -jar
 * kimi-sdk-testing-VERSION-standalone.jar} starts, with its options): tools defined with zod, whose
 * JSON Schema carries a top-level {@code $schema}, through the Node {@code openai} client (a schema
 * from zod's {@code toJSONSchema}) and through the AI SDK's {@code tool()} with its
 * OpenAI-compatible provider, each a whole tool call round trip, the AI SDK's also streamed. Kimi
 * takes {@code $schema}, so the fake must (issue 60). Pinned versions; skipped, with the reason,
 * when Node, npm or the registry is missing.
 */
@Tag("slow") // installs npm packages: mvn -B -P slow verify
class ZodToolsHttpTest {

  static final String OPENAI = OfficialClientsHttpTest.OPENAI;
  static final String AI = "ai@7.0.173";
  static final String ZOD = "zod@4.6.7";
  static final String OPENAI_COMPATIBLE = "@ai-sdk/openai-compatible@3.0.92";

  @Test
  void toolsDefinedWithZodMakeARoundTripThroughTheOpenAiClientAndTheAiSdk() throws Exception {
    Path dir = Npm.install(OPENAI, AI, ZOD, OPENAI_COMPATIBLE);
    String script;
    try (InputStream in = getClass().getResourceAsStream("/foreign/zod-tools.cjs")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, JsonObject> results = new HashMap<>();
    FakeKimiServer server = FakeKimiCommand.start(FakeKimiCommand.parse("--port", "0"), System.err);
    try (server;
        ForeignProcess node =
            ForeignProcess.start(
                dir,
                List.of(Npm.node(), "-e", script),
                Map.of("KIMI_BASE_URL", server.baseUrl()))) {
      node.await(Pattern.compile("\\{\"what\":\"(done|crash)\".*"), Duration.ofSeconds(90));
      assertThat(node.output()).as(node.output()).contains("{\"what\":\"done\"}");
      for (String line : node.output().split("\n")) {
        if (line.startsWith("{\"what\":")) {
          JsonObject o = Json.parse(line).asObject();
          results.put(((JsonString) o.get("what")).value(), o);
        }
      }
    }

    JsonObject openai = results.get("openai.zod");
    assertThat(str(openai, "schema"))
        .as("zod's toJSONSchema names its dialect")
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(str(openai, "name")).isEqualTo("get_weather");
    assertThat(openai.get("arguments")).isEqualTo(Json.parse("{\"city\":\"Paris\"}"));
    assertThat(str(openai, "answer")).isEqualTo("From the tools: get_weather says sunny.");

    JsonObject generated = results.get("ai.generate");
    assertThat(str(generated, "schema"))
        .as("the AI SDK sends zod's dialect with the tool")
        .isEqualTo("http://json-schema.org/draft-07/schema#");
    assertThat(generated.get("cities")).isEqualTo(Json.parse("[\"Paris\"]"));
    assertThat(generated.get("steps")).isEqualTo(Json.parse("2"));
    assertThat(str(generated, "text")).isEqualTo("From the tools: get_weather says sunny.");

    JsonObject streamed = results.get("ai.stream");
    assertThat(streamed.get("cities")).isEqualTo(Json.parse("[\"Oslo\"]"));
    assertThat(str(streamed, "text")).isEqualTo("From the tools: get_weather says sunny.");
  }

  private static String str(JsonObject o, String name) {
    assertThat(o).as("result").isNotNull();
    return ((JsonString) o.get(name)).value();
  }
}
