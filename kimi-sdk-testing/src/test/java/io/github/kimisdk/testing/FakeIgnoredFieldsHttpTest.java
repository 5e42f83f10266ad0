package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * As strict as Kimi and no stricter: what Moonshot takes and does nothing with (kimi-api.md,
 * "Changes of 2026-11-28, fourth look"), the fake takes, answers exactly as if it were not sent,
 * and says it did, in {@link RecordedRequest#ignoredFields()} and after the request's {@code
 * --verbose} line: a top-level field Moonshot does not document, {@code thinking} on kimi-k3.1-pro,
 * a {@code reasoning_effort} level the model does not list. Sent as raw HTTP, as any client in any
 * language sends it: the SDK's client refuses these before sending.
 */
@ExtendWith(FakeKimiExtension.class)
class FakeIgnoredFieldsHttpTest {

  final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  FakeKimiServer server;

  @BeforeEach
  void logTo(FakeKimiServer server) {
    this.server = server.logRequests(lines::add);
  }

  HttpResponse<String> post(String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
            .header("Authorization", "Bearer sk-ignored-fields-0123456789")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return FakeKimiServerOptionsHttpTest.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A chat request to {@code model} with {@code extra} members before its messages. */
  static String chat(String model, String extra) {
    return "{\"model\":\""
        + model
        + "\","
        + extra
        + (extra.isEmpty() ? "" : ",")
        + "\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"}]}";
  }

  /** The next request's line, read before the next request is sent. */
  String line() throws InterruptedException {
    String l = lines.poll(5, TimeUnit.SECONDS);
    assertThat(l).as("a line within 5 s").isNotNull();
    return l;
  }

  /** What the reply says and thinks, without its id and time: the answer as the model gave it. */
  static String answer(HttpResponse<String> r) {
    JsonObject message =
        Json.parse(r.body())
            .asObject()
            .get("choices")
            .asArray()
            .get(0)
            .asObject()
            .get("message")
            .asObject();
    return message.toString();
  }

  @Test
  void aFieldMoonshotDoesNotTakeIsTakenIgnoredAndSaidSo() throws Exception {
    HttpResponse<String> plain = post(chat("kimi-k3", ""));
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(server.takeRequest().ignoredFields()).isEmpty();
    assertThat(line()).isEqualTo("POST /v1/chat/completions model=kimi-k3 -> 200");

    // a mistyped field, a wrong-cased one, and one of OpenAI's that Moonshot does not document
    HttpResponse<String> extra =
        post(chat("kimi-k3", "\"seed\":7,\"Temperature\":0.3,\"max_tokenz\":5,\"user\":\"u-1\""));
    assertThat(extra.statusCode()).isEqualTo(200);
    assertThat(answer(extra)).isEqualTo(answer(plain));
    assertThat(server.takeRequest().ignoredFields())
        .containsExactly("seed", "Temperature", "max_tokenz", "user");
    assertThat(line())
        .isEqualTo(
            "POST /v1/chat/completions model=kimi-k3 -> 200 ignored as Kimi ignores them: seed"
                + " (not a field Kimi takes), Temperature (not a field Kimi takes), max_tokenz (not"
                + " a field Kimi takes), user (not a field Kimi takes)");
  }

  @Test
  void theFieldsMoonshotDocumentsAreNotIgnored() throws Exception {
    HttpResponse<String> r =
        post(
            chat(
                "kimi-k3",
                "\"max_tokens\":64,\"stream\":false,\"stream_options\":{\"include_usage\":true},"
                    + "\"prompt_cache_key\":\"k\",\"safety_identifier\":\"s\",\"top_p\":0.95,"
                    + "\"reasoning_effort\":\"high\",\"thinking\":{\"type\":\"enabled\"},"
                    + "\"prompt_cache_options\":{\"ttl\":\"1h\"}"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(server.takeRequest().ignoredFields()).isEmpty();
    assertThat(line()).doesNotContain("ignored");
  }

  @Test
  void thinkingSentToK31IsIgnoredAndTheModelReasonsAllTheSame() throws Exception {
    HttpResponse<String> plain = post(chat("kimi-k3.1-pro", ""));
    assertThat(answer(plain)).contains("\"reasoning_content\"");
    server.takeRequest();
    line();
    // switched off, or with a keep that K3 refuses while it thinks: K3.1 reads none of it
    for (String thinking :
        List.of(
            "{\"type\":\"disabled\"}",
            "{\"type\":\"enabled\",\"keep\":\"none\"}",
            "{\"type\":\"enabled\",\"effort\":\"xhigh\"}")) {
      HttpResponse<String> r = post(chat("kimi-k3.1-pro", "\"thinking\":" + thinking));
      assertThat(r.statusCode()).as(thinking).isEqualTo(200);
      assertThat(answer(r)).as(thinking).isEqualTo(answer(plain));
      assertThat(server.takeRequest().ignoredFields()).containsExactly("thinking");
      assertThat(line())
          .isEqualTo(
              "POST /v1/chat/completions model=kimi-k3.1-pro -> 200 ignored as Kimi ignores"
                  + " them: thinking (kimi-k3.1-pro takes no thinking field)");
    }
    // on K3, which takes it, the same keep is refused as Moonshot's K3 contract refuses it
    HttpResponse<String> k3 =
        post(chat("kimi-k3", "\"thinking\":{\"type\":\"enabled\",\"keep\":\"none\"}"));
    assertThat(k3.statusCode()).isEqualTo(400);
    assertThat(server.takeRequest().ignoredFields()).isEmpty();
  }

  @Test
  void anEffortLevelTheModelDoesNotListIsIgnoredAndTheDefaultApplies() throws Exception {
    HttpResponse<String> atDefault = post(chat("kimi-k3", ""));
    server.takeRequest();
    line();
    HttpResponse<String> medium = post(chat("kimi-k3", "\"reasoning_effort\":\"medium\""));
    assertThat(medium.statusCode()).isEqualTo(200);
    assertThat(answer(medium)).isEqualTo(answer(atDefault));
    assertThat(server.takeRequest().ignoredFields()).containsExactly("reasoning_effort");
    assertThat(line())
        .isEqualTo(
            "POST /v1/chat/completions model=kimi-k3 -> 200 ignored as Kimi ignores them:"
                + " reasoning_effort (\"medium\" is not a level of kimi-k3: it reasons at max)");
    // a listed level is taken; an unlisted thinking.effort is refused, as Kimi Code refuses one
    assertThat(post(chat("kimi-k3.1-pro", "\"reasoning_effort\":\"low\"")).statusCode())
        .isEqualTo(200);
    assertThat(server.takeRequest().ignoredFields()).isEmpty();
    line();
    HttpResponse<String> nested =
        post(chat("k3", "\"thinking\":{\"type\":\"enabled\",\"effort\":\"xhigh\"}"));
    assertThat(nested.statusCode()).isEqualTo(400);
    assertThat(nested.body()).contains("Unsupported value: 'thinking.effort'");
  }

  @Test
  void anotherHostsFieldsAreItsOwn() throws Exception {
    server.dialect("vllm");
    HttpResponse<String> r =
        post(
            chat(
                "moonshotai/Kimi-K3", "\"top_k\":20,\"chat_template_kwargs\":{\"thinking\":true}"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(server.takeRequest().ignoredFields()).isEmpty();
    assertThat(line()).doesNotContain("ignored");
  }

  @Test
  void theLineNamesAtMostSixteenFieldsEachBoundedOnOneLine() throws Exception {
    StringBuilder extra = new StringBuilder("\"").append("x".repeat(500)).append("\\nnext\":1");
    for (int i = 1; i <= 20; i++) {
      extra.append(",\"f").append(i).append("\":1");
    }
    assertThat(post(chat("kimi-k3", extra.toString())).statusCode()).isEqualTo(200);
    assertThat(server.takeRequest().ignoredFields()).hasSize(21);
    String l = line();
    assertThat(l)
        .contains(" them: " + "x".repeat(RequestLog.MAX_MODEL) + "... (not a field Kimi takes)")
        .endsWith(", f15 (not a field Kimi takes) ... 5 more")
        .doesNotContain("\n");
    assertThat(l.length()).isLessThan(1_000);
  }
}
