package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Kimi's official tools as the fake serves them, on the wire: tools, fibers, pending polls. */
class FakeFormulasHttpTest {

  private final FakeKimiServer server = new FakeKimiServer().start();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .header("Authorization", "Bearer k")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonValue json(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.parse(r.body());
  }

  @Test
  void theToolsComeUnderToolsAsKimiAnswers() throws Exception {
    JsonValue tools = json(send("GET", "/formulas/moonshot/web-search:latest/tools", null));
    assertThat(tools.get("tools").get(0).get("function").get("name").asString())
        .isEqualTo("web_search");
  }

  static Stream<Arguments> fibers() {
    return Stream.of(
        Arguments.of(
            "moonshot/base64:latest",
            "base64_encode",
            "{ \"data\" : \"hi\" }",
            "{\"id\":\"fiber-1\",\"object\":\"fiber\",\"status\":\"succeeded\","
                + "\"formula\":\"moonshot/base64:latest\",\"context\":{\"input\":"
                + "\"{ \\\"data\\\" : \\\"hi\\\" }\",\"output\":\"aGk=\"}}"),
        Arguments.of(
            "moonshot/web-search:latest",
            "web_search",
            "{\"query\":\"hi\"}",
            "{\"id\":\"fiber-1\",\"object\":\"fiber\",\"status\":\"succeeded\","
                + "\"formula\":\"moonshot/web-search:latest\",\"context\":{\"input\":"
                + "\"{\\\"query\\\":\\\"hi\\\"}\",\"encrypted_output\":\"----MOONSHOT ENCRYPTED"
                + " BEGIN----MyByZXN1bHRzIGZvciBoaQ==----MOONSHOT ENCRYPTED END----\"}}"),
        Arguments.of(
            "moonshot/base64:latest",
            "base64_decode",
            "{\"data\":\"%%\"}",
            "{\"id\":\"fiber-1\",\"object\":\"fiber\",\"status\":\"failed\","
                + "\"formula\":\"moonshot/base64:latest\",\"context\":{\"input\":"
                + "\"{\\\"data\\\":\\\"%%\\\"}\",\"error\":\"invalid base64: Illegal base64"
                + " character 25\"}}"));
  }

  @ParameterizedTest
  @MethodSource("fibers")
  void aFiberAnswersWithItsInputAsSentAndItsResult(
      String formula, String name, String arguments, String fiber) throws Exception {
    String body =
        Json.write(
            JsonObject.of("name", JsonString.of(name), "arguments", JsonString.of(arguments)));
    HttpResponse<String> r = send("POST", "/formulas/" + formula + "/fibers", body);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(fiber);
  }

  @Test
  void aPendingFiberFinishesOnTheScriptedPoll() throws Exception {
    server.fibersPendingFor(2);
    String start = "{\"name\":\"base64_encode\",\"arguments\":\"{\\\"data\\\":\\\"hi\\\"}\"}";
    JsonValue started = json(send("POST", "/formulas/moonshot/base64:latest/fibers", start));
    assertThat(started.get("status").asString()).isEqualTo("pending");
    String poll = "/formulas/moonshot/base64:latest/fibers/" + started.get("id").asString();
    assertThat(json(send("GET", poll, null)).get("status").asString()).isEqualTo("pending");
    JsonValue done = json(send("GET", poll, null));
    assertThat(done.get("status").asString()).isEqualTo("succeeded");
    assertThat(done.get("context").get("output").asString()).isEqualTo("aGk=");
    assertThat(json(send("GET", poll, null))).isEqualTo(done);
  }

  @Test
  void aFiberPendingForGoodNeverFinishes() throws Exception {
    server.fibersPendingFor(Integer.MAX_VALUE);
    String start = "{\"name\":\"base64_encode\",\"arguments\":\"{\\\"data\\\":\\\"hi\\\"}\"}";
    JsonValue started = json(send("POST", "/formulas/moonshot/base64:latest/fibers", start));
    String poll = "/formulas/moonshot/base64:latest/fibers/" + started.get("id").asString();
    for (int i = 0; i < 20; i++) {
      assertThat(json(send("GET", poll, null)).get("status").asString()).isEqualTo("pending");
    }
  }

  @Test
  void anUnknownFiberIsNotFoundAndAnUnknownFormulaIsNamed() throws Exception {
    assertThat(send("GET", "/formulas/moonshot/base64:latest/fibers/fiber-9", null).statusCode())
        .isEqualTo(404);
    HttpResponse<String> unknown = send("GET", "/formulas/moonshot/nope:latest/tools", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(Json.parse(unknown.body()).get("error").get("message").asString())
        .isEqualTo(
            "formula not found: moonshot/nope:latest (this fake serves moonshot/base64:latest,"
                + " moonshot/date:latest, moonshot/web-search:latest)");
  }

  @Test
  void theDateFormulaTellsTheDateTimeAndWeekdayInATimeZone() throws Exception {
    JsonValue tools = json(send("GET", "/formulas/moonshot/date:latest/tools", null));
    assertThat(tools.get("tools").get(0).get("function").get("name").asString()).isEqualTo("date");
    String paris = "{\"name\":\"date\",\"arguments\":\"{\\\"timezone\\\":\\\"Europe/Paris\\\"}\"}";
    JsonValue fiber = json(send("POST", "/formulas/moonshot/date:latest/fibers", paris));
    assertThat(fiber.get("status").asString()).isEqualTo("succeeded");
    assertThat(fiber.get("context").get("output").asString())
        .matches(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2} \\([A-Z][a-z]+day,"
                + " Europe/Paris\\)");
    String nowhere = "{\"name\":\"date\",\"arguments\":\"{\\\"timezone\\\":\\\"Mars/Base\\\"}\"}";
    JsonValue failed = json(send("POST", "/formulas/moonshot/date:latest/fibers", nowhere));
    assertThat(failed.get("status").asString()).isEqualTo("failed");
    assertThat(failed.get("context").get("error").asString())
        .isEqualTo("unknown time zone: Mars/Base");
  }
}
