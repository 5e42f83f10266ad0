package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Kimi's health as an HTTP client reads it from Spring Boot Actuator's health endpoint ({@code
 * /actuator/health/kimi}, and its indicator at {@code /actuator/health/kimi/kimiApi}), against what
 * kimi-sdk-spring-ai's README ("Health and spend", the reference for both Spring lines) and the
 * front page say: its status alone by default, as Spring Boot shows every indicator; with {@code
 * management.endpoint.health.show-details} ({@code always}, or {@code when-authorized} for an
 * authenticated caller) the details the README lists, no more and no fewer, for one target and for
 * a fallback chain. Runs on both Spring lines, each with its own health endpoint ({@code
 * HealthContexts}).
 */
class KimiHealthDetailsTest {

  static final Path README = Path.of("..", "kimi-sdk-spring-ai", "README.md");

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterEach
  void stop() {
    server.close();
  }

  private ApplicationContextRunner runner(String... properties) {
    return HealthContexts.withKimiHealth()
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-health",
            "spring.ai.kimi.base-url=" + server.baseUrl(),
            // the check's 2 s default is the production bound; these tests read what an answered
            // check says, which a loaded machine must not turn into a timeout's DOWN
            "spring.ai.kimi.health.timeout=60s")
        .withPropertyValues(properties);
  }

  /** README's "Health and spend" section. */
  static String section() throws IOException {
    String page = Files.readString(README, StandardCharsets.UTF_8);
    int start = page.indexOf("## Health and spend");
    int end = page.indexOf("\n## ", start + 1);
    return page.substring(start, end < 0 ? page.length() : end).replaceAll("\\s+", " ");
  }

  /**
   * The names of details the README gives between {@code from} and {@code to}: its code spans that
   * start with a lower-case letter (the values it names, such as {@code OK}, are upper-case).
   */
  static List<String> named(String text, String from, String to) {
    int start = text.indexOf(from);
    assertThat(start).as("README's \"%s\"", from).isNotNegative();
    int end = text.indexOf(to, start);
    assertThat(end).as("README's \"%s\" after \"%s\"", to, from).isGreaterThan(start);
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("`([a-z][A-Za-z]*)`").matcher(text.substring(start, end));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static JsonObject json(HealthContexts.Answer a) {
    assertThat(a.status()).isEqualTo(200);
    return (JsonObject) Json.parse(a.json());
  }

  @Test
  void byDefaultKimisHealthIsItsStatusAloneAndTheReadmesSayWhichPropertyShowsTheDetails()
      throws Exception {
    assertThat(section())
        .contains("management.endpoint.health.show-details=when-authorized")
        .contains("`always`");
    assertThat(Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8))
        .contains("`management.endpoint.health.show-details=when-authorized` (or `always`)");

    runner()
        .run(
            context -> {
              assertThat(HealthContexts.web(context, false, "kimi").json())
                  .isEqualTo("{\"status\":\"UP\"}");
              assertThat(HealthContexts.web(context, true, "kimi").json())
                  .as("never, Spring Boot's default, hides them from everyone")
                  .isEqualTo("{\"status\":\"UP\"}");
              // and the group's components with them: the indicator's own path is not found
              assertThat(HealthContexts.web(context, true, "kimi", "kimiApi").status())
                  .isEqualTo(404);
            });
  }

  @Test
  void withShowDetailsAlwaysTheDetailsAreTheOnesTheReadmeLists() throws Exception {
    List<String> listed = named(section(), "Its details:", ", and after a failure");
    assertThat(listed)
        .contains(
            "status", "condition", "endpoint", "host", "latencyMs", "httpStatus", "checkedAt");

    runner("management.endpoint.health.show-details=always")
        .run(
            context -> {
              JsonObject indicator = json(HealthContexts.web(context, false, "kimi", "kimiApi"));
              assertThat(indicator.get("status").asString()).isEqualTo("UP");
              JsonObject details = (JsonObject) indicator.get("details");
              assertThat(details.names()).containsExactlyInAnyOrderElementsOf(listed);
              assertThat(details.get("status").asString()).isEqualTo("OK");
              assertThat(details.get("condition").asString()).isEqualTo("UP");

              // the group holds the indicator as its one component, with the same details
              JsonObject group = json(HealthContexts.web(context, false, "kimi"));
              JsonObject kimiApi =
                  (JsonObject) ((JsonObject) group.get("components")).get("kimiApi");
              assertThat(((JsonObject) kimiApi.get("details")).names())
                  .containsExactlyInAnyOrderElementsOf(listed);
            });
  }

  @Test
  void withShowDetailsWhenAuthorizedAnAuthenticatedCallerSeesThemAndNoOneElse() {
    runner("management.endpoint.health.show-details=when-authorized")
        .run(
            context -> {
              assertThat(HealthContexts.web(context, false, "kimi").json())
                  .isEqualTo("{\"status\":\"UP\"}");
              assertThat(HealthContexts.web(context, false, "kimi", "kimiApi").status())
                  .isEqualTo(404);
              JsonObject seen = json(HealthContexts.web(context, true, "kimi", "kimiApi"));
              assertThat(((JsonObject) seen.get("details")).names()).contains("latencyMs");
            });
  }

  @Test
  void withFallbackTargetsTheDetailsAreTheChainsTheReadmeLists() throws Exception {
    List<String> listed = named(section(), "its details are", ", one entry per target");
    assertThat(listed).contains("checkedAt", "targets");
    List<String> perTarget =
        named(section(), "one entry per target in the chain's order:", "The states are");

    try (FakeKimiServer second = new FakeKimiServer().start()) {
      runner(
              "management.endpoint.health.show-details=always",
              "spring.ai.kimi.fallback[0].host=vllm",
              "spring.ai.kimi.fallback[0].base-url=" + second.baseUrl(),
              "spring.ai.kimi.fallback[0].model=kimi-k3")
          .run(
              context -> {
                JsonObject details =
                    (JsonObject)
                        json(HealthContexts.web(context, false, "kimi", "kimiApi")).get("details");
                assertThat(details.names()).containsExactlyInAnyOrderElementsOf(listed);
                JsonArray targets = details.get("targets").asArray();
                assertThat(targets.size()).isEqualTo(2);
                for (JsonValue t : targets) {
                  assertThat(perTarget).containsAll(((JsonObject) t).names());
                }
                assertThat(((JsonObject) targets.get(1)).get("model").asString())
                    .isEqualTo("kimi-k3");
              });
    }
  }
}
