package io.github.kimisdk.examples;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeResponse;
import java.io.PrintStream;
import java.util.Map;

/**
 * JSON output: {@code response_format: json_object} (any JSON object), then {@code json_schema} (an
 * object matching a schema), each reply parsed with the SDK's {@link Json} and its fields read.
 *
 * <p>It always runs over chat completions: with {@code KIMI_PROTOCOL=anthropic} it says so and why
 * at start.
 *
 * <p>Offline the fake is scripted with the two replies a model would give (it cannot write JSON on
 * its own); the requests still go over HTTP, so the {@code response_format} sent is printed too.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.JsonOutput
 * </pre>
 */
public final class JsonOutput {

  static final String OBJECT_PROMPT =
      "Give the capital and population of Japan as a JSON object with keys capital, population.";
  static final String SCHEMA_PROMPT = "Extract the person: 'Ada Lovelace, born 1815 in London.'";

  static final JsonValue PERSON_SCHEMA =
      Json.parse(
          "{\"type\":\"object\",\"properties\":{"
              + "\"name\":{\"type\":\"string\"},"
              + "\"born\":{\"type\":\"integer\"},"
              + "\"city\":{\"type\":\"string\"}},"
              + "\"required\":[\"name\",\"born\",\"city\"],\"additionalProperties\":false}");

  private JsonOutput() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(System.getenv(), System.out));
  }

  static int run(Map<String, String> env, PrintStream out) {
    try (ExampleSession session =
        ExampleSession.openChatCompletions(
            env,
            out,
            ExampleSession.DEFAULT_MODEL,
            "Kimi's Anthropic Messages protocol has no response_format (json_object, json_schema)")) {
      if (session.isOffline()) {
        out.println("(offline: the fake is scripted with the two JSON replies)");
        String m = session.model();
        session
            .server()
            .enqueue(
                FakeResponse.json(
                    ExampleSession.completionJson(
                        m, "{\"capital\": \"Tokyo\", \"population\": 123900000}", "stop", 14)))
            .enqueue(
                FakeResponse.json(
                    ExampleSession.completionJson(
                        m,
                        "{\"name\":\"Ada Lovelace\",\"born\":1815,\"city\":\"London\"}",
                        "stop",
                        16)));
      }
      out.println("== json_object ==");
      out.println("> " + OBJECT_PROMPT);
      JsonObject country = ask(session, OBJECT_PROMPT, ResponseFormat.jsonObject(), out);
      if (country != null) {
        out.println(
            "capital = " + country.get("capital") + ", population = " + country.get("population"));
      }
      out.println("== json_schema ==");
      out.println("> " + SCHEMA_PROMPT);
      out.println("[schema] " + Json.write(PERSON_SCHEMA));
      JsonObject person =
          ask(
              session,
              SCHEMA_PROMPT,
              ResponseFormat.jsonSchema("person", PERSON_SCHEMA, true),
              out);
      if (person != null) {
        for (Map.Entry<String, JsonValue> e : person.members().entrySet()) {
          out.println(
              "  "
                  + e.getKey()
                  + ": "
                  + (e.getValue() instanceof JsonString s ? s.value() : e.getValue().toString()));
        }
        JsonArray required = (JsonArray) ((JsonObject) PERSON_SCHEMA).get("required");
        boolean complete =
            required.values().stream().allMatch(r -> person.has(((JsonString) r).value()));
        out.println("[check] all required fields present: " + complete);
      }
      return country != null && person != null ? 0 : 1;
    } catch (KimiException e) {
      out.println("Kimi call failed: " + e.getMessage());
      return 1;
    }
  }

  private static JsonObject ask(
      ExampleSession session, String prompt, ResponseFormat format, PrintStream out) {
    ChatRequest request =
        ChatRequest.builder(session.model())
            .addSystem("Reply with JSON only.")
            .addUser(prompt)
            .responseFormat(format)
            .thinking(ExampleSession.thinkingOffWherePossible(session.model()))
            .build();
    ChatCompletion done = session.kimi().chat(request);
    if (session.isOffline()) {
      JsonObject sent = (JsonObject) session.server().takeRequest().json();
      // chat completions send response_format; Responses the same thing as text.format
      out.println(
          sent.get("text") instanceof JsonObject text
              ? "[sent] text.format " + text.get("format")
              : "[sent] response_format " + sent.get("response_format"));
    }
    out.println("[raw] " + done.text());
    try {
      JsonValue parsed = Json.parse(done.text());
      if (parsed instanceof JsonObject o) {
        return o;
      }
      out.println("[parse] not a JSON object: " + parsed);
    } catch (JsonException e) {
      out.println("[parse] not JSON: " + e.getMessage());
    }
    return null;
  }
}
