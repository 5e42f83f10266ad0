package com.example.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page in a real headless Chromium (Debian's {@code chromium}, driven by playwright-core
 * through DevTools; no browser downloaded): it asks, shows the streamed reasoning and text and the
 * transfer waiting for approval; a click approves it and the result shows; the payment service
 * made the transfer once; a second tab's approval of the same call is refused; a page reloaded
 * mid-answer shows the whole answer. Skipped, saying why, where Chromium, Node or the built page is
 * missing. Its screenshot is {@code target/ui-chat.png}.
 */
class PageInChromiumTest {

  static final Path PAGE = Path.of("page");

  @TempDir Path runs;

  static String chromium() {
    String path = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of(path)),
        "no Chromium at " + path + " (apt-get install -y chromium, or set CHROMIUM)");
    return path;
  }

  static void assumeBuilt() {
    Assumptions.assumeTrue(
        Files.isRegularFile(PAGE.resolve("dist").resolve("index.html")),
        "the page is not built (mvn compile builds it with npm)");
    Assumptions.assumeTrue(
        Files.isDirectory(PAGE.resolve("node_modules").resolve("playwright-core")),
        "playwright-core is not installed in page/ (npm ci)");
  }

  @Test
  void thePageAsksApprovesOnceRefusesASecondTabAndSurvivesAReload() throws Exception {
    String chromium = chromium();
    assumeBuilt();
    try (PaymentsChat desk =
        new PaymentsChat(0, runs, PAGE.resolve("dist"), Duration.ofMillis(700))) {
      Path shot = Path.of("target", "ui-chat.png").toAbsolutePath();
      Path waiting = Path.of("target", "ui-chat-waiting.png").toAbsolutePath();
      ProcessBuilder pb =
          new ProcessBuilder("node", "e2e/page-check.mjs")
              .directory(PAGE.toFile())
              .redirectErrorStream(true);
      pb.environment().put("BASE", desk.url());
      pb.environment().put("CHROMIUM", chromium);
      pb.environment().put("EXPECTED", String.join("", PaymentsChat.LIMITS));
      pb.environment().put("SCREENSHOT", shot.toString());
      pb.environment().put("SCREENSHOT_WAITING", waiting.toString());
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

      assertThat(r.get("reasoning").asString()).contains("I will call transfer.");
      assertThat(r.get("waiting").asString()).isEqualTo("approval-requested");
      assertThat(r.get("tabWaiting").asString()).isEqualTo("approval-requested");
      assertThat(r.get("result").asString()).isEqualTo("transferred 90 to acct-7 (receipt 1)");
      assertThat(strings(r.get("answer")))
          .anySatisfy(t -> assertThat(t).contains("transferred 90 to acct-7 (receipt 1)"));
      assertThat(r.get("afterApproval").get("transfers").asArray().size()).isEqualTo(1);
      assertThat(r.get("refusal").asString()).contains("was decided already");
      assertThat(r.get("afterSecondTab").get("transfers").asArray().size()).isEqualTo(1);
      assertThat(desk.payments.transfers()).isEqualTo(1);
      String whole = String.join("", PaymentsChat.LIMITS);
      assertThat(r.get("before").asString()).as("reloaded mid-answer").isNotEqualTo(whole);
      assertThat(r.get("after").asString()).isEqualTo(whole);
      assertThat(strings(r.get("reasoningAfter")))
          .anySatisfy(t -> assertThat(t).contains("I will explain them."));

      byte[] png = Files.readAllBytes(shot);
      assertThat(png).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }
  }

  static List<String> strings(JsonValue array) {
    List<String> out = new ArrayList<>();
    array.asArray().forEach(v -> out.add(v.asString()));
    return out;
  }
}
