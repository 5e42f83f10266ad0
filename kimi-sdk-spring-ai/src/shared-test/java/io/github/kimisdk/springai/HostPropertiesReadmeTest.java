package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.Target;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.springai.autoconfigure.Contexts;
import io.github.kimisdk.springai.autoconfigure.KimiAutoConfiguration;
import io.github.kimisdk.springai.autoconfigure.KimiConnectionProperties;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;

/**
 * README.md's "Hosts and fallback targets" and "Retries": their tables name every property of the
 * host, the fallback targets and the retries, and no other; the properties blocks of the README and
 * of docs/hosts.md start a context whose client has the chain they describe.
 */
class HostPropertiesReadmeTest {

  private static final Pattern NAME = Pattern.compile("`([a-z\\[\\]n.-]+)`");

  /** The lines under {@code heading} in {@code markdown}, up to the next heading of its level. */
  private static List<String> section(Path markdown, String heading) throws IOException {
    List<String> lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
    int start = lines.indexOf(heading);
    assertThat(start).as("%s's heading %s", markdown, heading).isNotNegative();
    String level = heading.substring(0, heading.indexOf(' ') + 1);
    List<String> section = new ArrayList<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith(level)) {
        break;
      }
      section.add(line);
    }
    return section;
  }

  /**
   * The property names of a section's table rows (their first cell): a name that starts with {@code
   * .} continues the one before it ({@code `a.b`, `.c`} is {@code a.b} and {@code a.c}).
   */
  private static Set<String> documented(List<String> section) {
    Set<String> names = new TreeSet<>();
    for (String line : section) {
      if (line.startsWith("| `")) {
        Matcher m = NAME.matcher(line.substring(0, line.indexOf(" |", 2)));
        String before = null;
        while (m.find()) {
          String name = m.group(1);
          if (name.startsWith(".") && before != null) {
            name = before.substring(0, before.lastIndexOf('.')) + name;
          }
          names.add(name);
          before = name;
        }
      }
    }
    return names;
  }

  /**
   * A bean's writable or nested properties as Spring Boot spells them ({@code baseUrl} is
   * base-url).
   */
  private static List<String> properties(Class<?> bean) {
    List<String> names = new ArrayList<>();
    for (PropertyDescriptor d : BeanUtils.getPropertyDescriptors(bean)) {
      if (!d.getName().equals("class")) {
        names.add(d.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT));
      }
    }
    return names;
  }

  @Test
  void theHostsTableNamesTheHostTheKeyTheWeightAndEveryPropertyOfAFallbackTargetAndNoOther()
      throws IOException {
    Set<String> expected = new TreeSet<>(List.of("host", "base-url", "api-key", "weight"));
    for (String p : properties(KimiConnectionProperties.Fallback.class)) {
      if (p.equals("rate-limit")) {
        for (String limit : properties(KimiConnectionProperties.FallbackRateLimit.class)) {
          expected.add("fallback[n].rate-limit." + limit);
        }
      } else {
        expected.add("fallback[n]." + p);
      }
    }

    assertThat(
            documented(
                section(
                    Path.of("..", "kimi-sdk-spring-ai", "README.md"),
                    "## Hosts and fallback targets")))
        .isEqualTo(expected)
        .contains(
            "fallback[n].api-key",
            "fallback[n].rate-limit.account",
            "fallback[n].replica",
            "fallback[n].weight");
  }

  @Test
  void theRetriesTableNamesEveryRetryPropertyAndNoOther() throws IOException {
    Set<String> metadata = new TreeSet<>();
    try (InputStream in =
        KimiConnectionProperties.class.getResourceAsStream(
            "/META-INF/spring-configuration-metadata.json")) {
      String prefix = KimiConnectionProperties.PREFIX + ".retry.";
      for (JsonValue p : Json.parse(in.readAllBytes()).get("properties").asArray().values()) {
        String name = p.get("name").asString();
        if (name.startsWith(prefix)) {
          metadata.add(name.substring(prefix.length()));
          assertThat(p.get("description").asString()).as("%s's description", name).isNotBlank();
        }
      }
    }

    assertThat(documented(section(Path.of("..", "kimi-sdk-spring-ai", "README.md"), "## Retries")))
        .isEqualTo(metadata)
        .contains(
            "cooldown",
            "max-cooldown",
            "rate-limit-wait",
            "busy-wait",
            "hedge-after",
            "hedge-budget",
            "continue-streams");
  }

  @Test
  void theHostAndFallbackPropertiesAreDescribedForIdes() throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in =
        KimiConnectionProperties.class.getResourceAsStream(
            "/META-INF/spring-configuration-metadata.json")) {
      for (JsonValue p : Json.parse(in.readAllBytes()).get("properties").asArray().values()) {
        names.add(p.get("name").asString());
      }
    }
    assertThat(names).contains("spring.ai.kimi.host", "spring.ai.kimi.fallback");
  }

  /** The first {@code ```properties} block of a section. */
  private static List<String> propertiesBlock(List<String> section) {
    return propertiesBlock(section, 0);
  }

  /** The {@code n}th {@code ```properties} block of a section, from 0. */
  private static List<String> propertiesBlock(List<String> section, int n) {
    int start = -1;
    int seen = 0;
    for (int i = 0; i < section.size() && start < 0; i++) {
      // ```properties, or ```properties spring-ai in the guides (not the examples' logging file)
      if (section.get(i).startsWith("```properties") && seen++ == n) {
        start = i;
      }
    }
    assertThat(start).as("a ```properties block").isNotNegative();
    List<String> properties = new ArrayList<>();
    for (String line : section.subList(start + 1, section.size())) {
      if (line.equals("```")) {
        break;
      }
      properties.add(line);
    }
    return properties;
  }

  /** A client's chain and its cooldown. */
  private record Chain(List<Target> targets, Duration cooldown) {}

  /** Starts a context with {@code properties} (and the key they name) and returns its chain. */
  private static Chain chainOf(List<String> properties) {
    List<Target> targets = new ArrayList<>();
    Duration[] cooldown = new Duration[1];
    Contexts.withoutEnvironmentVariables()
        .withConfiguration(AutoConfigurations.of(KimiAutoConfiguration.class))
        .withPropertyValues("MOONSHOT_API_KEY=sk-readme")
        .withPropertyValues(properties.toArray(String[]::new))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              KimiClient client = context.getBean(KimiClient.class);
              client.account().targets().stream().map(TargetStatus::target).forEach(targets::add);
              cooldown[0] = client.retryPolicy().cooldown();
            });
    return new Chain(targets, cooldown[0]);
  }

  @Test
  void theReadmesPropertiesBlockMakesTheChainItDescribes() throws IOException {
    List<Target> chain =
        chainOf(
                propertiesBlock(
                    section(
                        Path.of("..", "kimi-sdk-spring-ai", "README.md"),
                        "## Hosts and fallback targets")))
            .targets();

    assertThat(chain)
        .extracting(t -> t.host().name())
        .containsExactly("moonshot", "moonshot", "vllm");
    assertThat(chain.get(1).model()).contains("kimi-k3");
    assertThat(chain.get(1).hasKey()).isTrue();
    assertThat(chain.get(2).host().endpoint().baseUrl()).isEqualTo("https://vllm.internal:8000/v1");
    assertThat(chain.get(2).model()).contains("kimi-k3");
    assertThat(chain.get(2).rateLimit()).isPresent();
  }

  @Test
  void theReadmesOneFieldPerEnvironmentBlockKeepsTheTargetWholeWhenTheFieldChanges()
      throws IOException {
    List<String> block =
        propertiesBlock(
            section(
                Path.of("..", "kimi-sdk-spring-ai", "README.md"), "## Hosts and fallback targets"),
            1);
    assertThat(block).anyMatch(p -> p.contains("${KIMI_FALLBACK_0_BASE_URL:"));

    Target byDefault = chainOf(block).targets().get(1);
    List<String> elsewhere = new ArrayList<>(block);
    elsewhere.add("KIMI_FALLBACK_0_BASE_URL=https://api.moonshot.cn/v1"); // one environment's
    Target overridden = chainOf(elsewhere).targets().get(1);

    assertThat(byDefault.host().endpoint().baseUrl()).isEqualTo("https://api.moonshot.ai/v1");
    assertThat(overridden.host().endpoint().baseUrl()).isEqualTo("https://api.moonshot.cn/v1");
    assertThat(overridden.model()).contains("kimi-k3");
    assertThat(overridden.hasKey()).isTrue();
  }

  @Test
  void theReadmesReplicasBlockMakesTheGroupItDescribes() throws IOException {
    List<String> block =
        propertiesBlock(
            section(
                Path.of("..", "kimi-sdk-spring-ai", "README.md"), "## Hosts and fallback targets"),
            2);
    assertThat(block).contains("spring.ai.kimi.fallback[0].replica=true");
    Chain chain = chainOf(block);
    assertThat(chain.targets())
        .extracting(t -> t.host().name())
        .containsExactly("vllm", "vllm", "moonshot");
    assertThat(chain.targets().get(1).host().endpoint().baseUrl())
        .isEqualTo("https://gpu-b.internal:8000/v1");
    assertThat(chain.targets().get(2).model()).contains("kimi-k3");
  }

  @Test
  void theHostsGuidesSpringBootBlockMakesTheChainItDescribes() throws IOException {
    List<String> block =
        propertiesBlock(section(Path.of("..", "docs", "hosts.md"), "## In Spring Boot"));

    Chain chain = chainOf(block);
    assertThat(chain.targets())
        .extracting(t -> t.host().name())
        .containsExactly("moonshot", "moonshot", "vllm");
    assertThat(chain.cooldown()).isEqualTo(Duration.ofSeconds(10));
  }
}
