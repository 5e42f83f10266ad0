package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The logging switch ({@code KIMI_LOG}, {@code -Dkimi.log}) and what the attempt log shows. */
class LogSwitchHttpTest {

  static final String KEY = "sk-test-logswitch-0123456789abcdefghij";

  @Test
  void thePropertyWinsOverTheEnvironmentAndOnlyInfoAndDebugTurnItOn() {
    Object[][] table = {
      {null, null, LogSwitch.OFF},
      {"info", null, LogSwitch.INFO},
      {"DEBUG", null, LogSwitch.DEBUG},
      {null, "debug", LogSwitch.DEBUG},
      {" info ", "debug", LogSwitch.INFO},
      {"", "info", LogSwitch.INFO},
      {"off", "debug", LogSwitch.OFF},
      {"verbose", null, LogSwitch.OFF},
      {null, "true", LogSwitch.OFF},
    };
    for (Object[] row : table) {
      assertThat(LogSwitch.of((String) row[0], (String) row[1]))
          .as("property %s, environment %s", row[0], row[1])
          .isEqualTo(row[2]);
    }
  }

  @Test
  void headersAreLoggedWithTheKeysHeadersRedactedAndTheKeyNowhere() {
    AttemptLog log = new AttemptLog(new Captured(), true, true, new ServerText(ApiKey.of(KEY)));
    String shown =
        log.headers(
            Map.of(
                "Authorization", List.of("Bearer " + KEY),
                "x-api-key", List.of(KEY),
                "Cookie", List.of("session=1"),
                "X-Echo", List.of("my key is " + KEY),
                "Content-Type", List.of("application/json")));
    assertThat(shown)
        .contains("Authorization: Bearer [redacted]")
        .contains("x-api-key: [redacted]")
        .contains("Cookie: [redacted]")
        .contains("X-Echo: my key is " + ServerText.REDACTED)
        .contains("Content-Type: application/json")
        .doesNotContain(KEY);
  }

  @Test
  void aServersBodyAndHeadersForgeNoLogLine() {
    AttemptLog log = new AttemptLog(new Captured(), true, true, new ServerText(ApiKey.of(KEY)));
    String forged = "{\"error\":\"x\"}\n2026-11-26 INFO granted\r\u001b[31mred\u2028";
    assertThat(log.shown(forged.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("{\"error\":\"x\"}\\n2026-11-26 INFO granted\\r\\u001b[31mred\\u2028");
    String longForged = forged + "\n" + "c".repeat(2 * AttemptLog.MAX_LOGGED_BODY);
    assertThat(log.shown(longForged.getBytes(StandardCharsets.UTF_8)))
        .doesNotContain("\n", "\r", "\u001b", "\u2028")
        .contains("\\u001b[31m");
    assertThat(log.headers(Map.of("X-Echo", List.of("a\u001b[2Jb"))))
        .isEqualTo("{X-Echo: a\\u001b[2Jb}");
  }

  @Test
  void aLongBodyIsCutAtTheBoundWithItsLengthSaidAndAKeyAcrossTheCutRedacted() {
    AttemptLog log = new AttemptLog(new Captured(), true, true, new ServerText(ApiKey.of(KEY)));
    int cutAt = AttemptLog.MAX_LOGGED_BODY;
    String body = "a".repeat(cutAt - 5) + KEY + "b".repeat(100_000);
    String shown = log.shown(body.getBytes(StandardCharsets.UTF_8));
    assertThat(shown)
        .startsWith("aaaa")
        .doesNotContain(KEY)
        .doesNotContain(KEY.substring(0, 5))
        .endsWith("... [cut: " + body.length() + " bytes in all]");
    assertThat(shown.length()).isLessThan(cutAt + 50);
    assertThat(log.shown("short".getBytes(StandardCharsets.UTF_8))).isEqualTo("short");
  }

  @Test
  void infoLogsEachAttemptWithRedactedHeadersAtInfoAndDebugAddsTheBodies() {
    Captured info = new Captured();
    AttemptLog atInfo =
        new AttemptLog(LogSwitch.INFO.apply(info), false, true, new ServerText(ApiKey.of(KEY)));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1/v1/chat/completions"))
            .header("Authorization", "Bearer " + KEY)
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    atInfo
        .start(request, 1, "{\"secret\":1}".getBytes(StandardCharsets.UTF_8), AttemptObserver.NONE)
        .ended(null, null);
    assertThat(info.levels).containsOnly(Level.INFO);
    assertThat(info.lines).hasSize(2);
    assertThat(info.lines.get(0)).contains("Authorization: Bearer [redacted]");
    assertThat(String.join("\n", info.lines)).doesNotContain(KEY).doesNotContain("secret");
  }

  @Test
  void thePropertyTurnsOnTheLogOfARealClientAtInfo() {
    Captured captured = new Captured(Level.INFO);
    String before = System.getProperty(LogSwitch.PROPERTY);
    System.setProperty(LogSwitch.PROPERTY, "debug");
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi =
            KimiClient.builder().apiKey(KEY).baseUrl(server.baseUrl()).logger(captured).build()) {
      kimi.chat(ChatRequest.of("kimi-k3", "Name a river"));
    } finally {
      if (before == null) {
        System.clearProperty(LogSwitch.PROPERTY);
      } else {
        System.setProperty(LogSwitch.PROPERTY, before);
      }
    }
    String all = String.join("\n", captured.lines);
    assertThat(captured.levels).containsOnly(Level.INFO);
    assertThat(all)
        .contains("request headers: {")
        .contains("Authorization: Bearer [redacted]")
        .contains("response headers: {")
        .contains("request body: {")
        .contains("Name a river") // debug: the bodies
        .contains("response body: {")
        .contains("-> HTTP 200")
        .doesNotContain(KEY);
  }

  /** A logger that keeps what it is given at or above its level. */
  static final class Captured implements System.Logger {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final List<Level> levels = Collections.synchronizedList(new ArrayList<>());
    private final Level min;

    Captured() {
      this(Level.ALL);
    }

    Captured(Level min) {
      this.min = min;
    }

    @Override
    public String getName() {
      return "captured";
    }

    @Override
    public boolean isLoggable(Level level) {
      return level.getSeverity() >= min.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      if (isLoggable(level)) {
        lines.add(msg);
        levels.add(level);
      }
    }

    @Override
    public void log(Level level, Supplier<String> msg) {
      if (isLoggable(level)) {
        log(level, null, msg.get(), (Throwable) null);
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      log(level, bundle, format, (Throwable) null);
    }
  }
}
