package com.example.ui.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * kimi-sdk-examples/ui-chat's page, unchanged, in Debian's headless Chromium against this
 * application's controller (its browser check, page/e2e/page-check.mjs): it asks, approves with a
 * click (one transfer), a second tab's approval of the same call is refused, a reload mid-answer
 * shows the whole answer. Skipped, saying why, where Chromium, Node or the built page is missing.
 */
abstract class PageOnSpringTest {

  static final Path PAGE = Path.of(System.getProperty("page.dir", "../ui-chat/page"));

  /** What the fake answers to "Explain the transfer limits", a piece at a time. */
  static final List<String> LIMITS =
      List.of(
          "Transfers ", "up to 100 ", "need one approval; ", "larger ones ", "need two. ",
          "Every transfer ", "is made once, ", "with its own ", "idempotency key, ",
          "however often ", "the page ", "is reloaded.");

  static final FakeKimiServer KIMI =
      new FakeKimiServer().respondWith(r -> explains(r) ? slowAnswer() : null).start();

  @LocalServerPort int port;
  @Autowired Payments payments;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    // in the build's target/ (mvn clean takes it), not /tmp: each context keeps a sealed run there
    Path runs = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "runs-");
    registry.add("spring.ai.kimi.api-key", () -> "sk-test");
    registry.add("spring.ai.kimi.base-url", KIMI::baseUrl);
    registry.add("payments.key", () -> Base64.getEncoder().encodeToString(key));
    registry.add("payments.runs", runs::toString);
    registry.add(
        "spring.web.resources.static-locations",
        () -> PAGE.resolve("dist").toAbsolutePath().normalize().toUri().toString());
  }

  static boolean explains(RecordedRequest r) {
    JsonValue messages = Json.parse(r.bodyText()).get("messages");
    if (!(messages instanceof JsonArray list) || list.isEmpty()) {
      return false;
    }
    JsonValue last = list.get(list.size() - 1);
    return last.get("role") instanceof JsonString role
        && role.value().equals("user")
        && last.get("content") instanceof JsonString text
        && text.value().startsWith("Explain");
  }

  static FakeResponse slowAnswer() {
    FakeResponse.SseBuilder b = FakeResponse.sse();
    Duration pause = Duration.ofMillis(700);
    for (String piece : List.of("The user asks about limits. ", "I will explain them.")) {
      b.data(chunk(JsonObject.of("reasoning_content", JsonString.of(piece)), null)).pause(pause);
    }
    for (String piece : LIMITS) {
      b.data(chunk(JsonObject.of("content", JsonString.of(piece)), null)).pause(pause);
    }
    b.data(chunk(JsonObject.of(), "stop"));
    return b.done().build();
  }

  static String chunk(JsonObject delta, String finish) {
    JsonObject.Builder choice = JsonObject.builder().put("index", 0).put("delta", delta);
    if (finish != null) {
      choice.put("finish_reason", finish);
    }
    JsonObject.Builder c =
        JsonObject.builder()
            .put("id", "explain-1")
            .put("object", "chat.completion.chunk")
            .put("created", 1)
            .put("model", "kimi-k3")
            .put("choices", JsonArray.of(choice.build()));
    if (finish != null) {
      c.put("usage", Json.parse("{\"prompt_tokens\":60,\"completion_tokens\":40,\"total_tokens\":100}"));
    }
    return Json.write(c.build());
  }

  @Test
  void thePageAsksApprovesOnceRefusesASecondTabAndSurvivesAReload() throws Exception {
    String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of(chromium)), "no Chromium at " + chromium);
    Assumptions.assumeTrue(
        Files.isRegularFile(PAGE.resolve("dist").resolve("index.html"))
            && Files.isDirectory(PAGE.resolve("node_modules").resolve("playwright-core")),
        "kimi-sdk-examples/ui-chat's page is not built (mvn -B -q compile there)");
    ProcessBuilder pb =
        new ProcessBuilder("node", "e2e/page-check.mjs")
            .directory(PAGE.toFile())
            .redirectErrorStream(true);
    pb.environment().put("BASE", "http://127.0.0.1:" + port + "/");
    pb.environment().put("CHROMIUM", chromium);
    pb.environment().put("EXPECTED", String.join("", LIMITS));
    Path target = Path.of("target").toAbsolutePath();
    pb.environment().put("SCREENSHOT", target.resolve(getClass().getSimpleName() + ".png").toString());
    pb.environment()
        .put("SCREENSHOT_WAITING", target.resolve(getClass().getSimpleName() + "-waiting.png").toString());
    Process p;
    try {
      p = pb.start();
    } catch (java.io.IOException e) {
      Assumptions.abort("node is not on the PATH: " + e.getMessage());
      return;
    }
    p.getOutputStream().close();
    List<String> lines = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    }
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String output = String.join("\n", lines);
    JsonObject r =
        lines.stream()
            .filter(l -> l.startsWith("{\"what\":\"result\""))
            .map(l -> Json.parse(l).asObject())
            .findFirst()
            .orElseThrow(() -> new AssertionError("the browser check said:\n" + output));
    assertThat(r.get("waiting").asString()).isEqualTo("approval-requested");
    assertThat(r.get("tabWaiting").asString()).isEqualTo("approval-requested");
    assertThat(r.get("result").asString()).isEqualTo("transferred 90 to acct-7 (receipt 1)");
    assertThat(r.get("refusal").asString()).contains("was decided already");
    assertThat(r.get("afterSecondTab").get("transfers").asArray().size()).isEqualTo(1);
    assertThat(payments.transfers()).isEqualTo(1);
    String whole = String.join("", LIMITS);
    assertThat(r.get("before").asString()).as("reloaded mid-answer").isNotEqualTo(whole);
    assertThat(r.get("after").asString()).isEqualTo(whole);
  }
}
