package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.redis.RedisRateLimitStore;
import io.github.kimisdk.springai.autoconfigure.KimiAutoConfiguration;
import io.github.kimisdk.springai.autoconfigure.KimiRateLimitProperties;
import io.github.kimisdk.springai.autoconfigure.KimiRedisRateLimitAutoConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * README.md's "Rate limits, and a fleet on Redis": its table names every {@code
 * spring.ai.kimi.rate-limit.*} property IDEs complete (Spring Boot's configuration metadata) and no
 * other, and its {@code application.properties} block starts a context whose client shares its
 * limits through Redis as it says.
 */
class RateLimitPropertiesReadmeTest {

  private static final String HEADING = "## Rate limits, and a fleet on Redis";
  private static final Pattern NAME = Pattern.compile("`([a-z-]+)`");

  /** The section's lines, up to the next heading of its level. */
  private static List<String> section() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
    int start = lines.indexOf(HEADING);
    assertThat(start).as("README.md's heading %s", HEADING).isNotNegative();
    List<String> section = new ArrayList<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      section.add(line);
    }
    return section;
  }

  @Test
  void theTableNamesEveryRateLimitPropertyAndNoOther() throws IOException {
    Set<String> documented = new TreeSet<>();
    for (String line : section()) {
      if (line.startsWith("| `")) {
        Matcher m = NAME.matcher(line.substring(0, line.indexOf(" |", 2)));
        while (m.find()) {
          documented.add(m.group(1));
        }
      }
    }
    Set<String> metadata = new TreeSet<>();
    try (InputStream in =
        KimiRateLimitProperties.class.getResourceAsStream(
            "/META-INF/spring-configuration-metadata.json")) {
      String prefix = KimiRateLimitProperties.PREFIX + ".";
      for (JsonValue p : Json.parse(in.readAllBytes()).get("properties").asArray().values()) {
        String name = p.get("name").asString();
        if (name.startsWith(prefix)) {
          metadata.add(name.substring(prefix.length()));
          assertThat(p.get("description").asString()).as("%s's description", name).isNotBlank();
        }
      }
    }
    assertThat(documented).isEqualTo(metadata).contains("account", "restart-wait");
  }

  @Test
  void theApplicationPropertiesBlockSharesTheLimitsThroughRedis() throws IOException {
    List<String> section = section();
    int start = section.indexOf("```properties");
    List<String> properties = new ArrayList<>();
    for (String line : section.subList(start + 1, section.size())) {
      if (line.equals("```")) {
        break;
      }
      properties.add(line);
    }
    assertThat(properties).isNotEmpty();
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataRedisAutoConfiguration.class,
                KimiRedisRateLimitAutoConfiguration.class,
                KimiAutoConfiguration.class))
        .withPropertyValues("spring.ai.kimi.api-key=sk-readme")
        .withPropertyValues(properties.toArray(String[]::new))
        .run(
            context -> {
              RateLimit limit = context.getBean(KimiClient.class).rateLimit().orElseThrow();
              assertThat(limit.store()).containsSame(context.getBean(RedisRateLimitStore.class));
              assertThat(limit.account()).contains("org-my-team");
              assertThat(limit.maxConcurrency()).isEqualTo(OptionalInt.of(8));
              assertThat(limit.requestsPerMinute()).isEqualTo(OptionalInt.of(200)); // tier 1's
            });
  }

  /**
   * The front page's fleet in Spring Boot: the prose above its properties names every artifact an
   * application needs for them (the starter, kimi-sdk-redis, Spring Data Redis's starter), since an
   * account without a store fails the start.
   */
  @Test
  void theFrontPagesFleetLineNamesEveryArtifactItNeeds() throws IOException {
    String page = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    int block = page.indexOf("```properties spring-ai\nspring.ai.kimi.rate-limit.tier=1");
    assertThat(block).as("README.md's fleet properties").isPositive();
    String prose = page.substring(page.lastIndexOf("\n\n", block - 3), block);
    assertThat(prose)
        .contains("the starter")
        .contains("`kimi-sdk-redis`")
        .contains("`spring-boot-starter-data-redis`");
  }
}
