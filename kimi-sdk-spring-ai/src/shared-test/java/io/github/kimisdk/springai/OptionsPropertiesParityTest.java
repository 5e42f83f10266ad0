package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.springai.autoconfigure.KimiChatProperties;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Every {@link KimiChatOptions} option has a {@code spring.ai.kimi.chat.*} property that sets it,
 * and every such property sets an option, except the gaps this module's README.md names with their
 * reasons ("Options without a property", "Properties that are not options"). A new option fails
 * this test until it gets a property or a row there. The properties are the ones IDEs complete
 * (Spring Boot's configuration metadata), and each is bound for real: a property whose value does
 * not reach its option fails too.
 */
class OptionsPropertiesParityTest {

  /** Options whose property is spelled otherwise, as Spring AI's own providers spell it. */
  private static final Map<String, String> SPELLED = Map.of("stopSequences", "stop");

  /** The options: KimiChatOptions' getters, by name ({@code maxTokens}). */
  static Map<String, Method> options() {
    Map<String, Method> options = new TreeMap<>();
    for (Method m : KimiChatOptions.class.getMethods()) {
      String name = m.getName();
      if (m.getParameterCount() == 0
          && !Modifier.isStatic(m.getModifiers())
          && name.startsWith("get")
          && !name.equals("getClass")) {
        options.put(Character.toLowerCase(name.charAt(3)) + name.substring(4), m);
      }
    }
    return options;
  }

  /** The properties below spring.ai.kimi.chat, by name ({@code max-tokens}), with their types. */
  static Map<String, String> properties() throws IOException {
    Map<String, String> properties = new TreeMap<>();
    try (InputStream in =
        KimiChatProperties.class.getResourceAsStream(
            "/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("Spring Boot's configuration metadata").isNotNull();
      String prefix = KimiChatProperties.PREFIX + ".";
      for (JsonValue p : Json.parse(in.readAllBytes()).get("properties").asArray().values()) {
        String name = p.get("name").asString();
        if (name.startsWith(prefix)) {
          properties.put(name.substring(prefix.length()), p.get("type").asString());
        }
      }
    }
    return properties;
  }

  /** An option's property name: kebab case, or its other spelling. */
  static String property(String option) {
    return SPELLED.getOrDefault(option, option.replaceAll("([A-Z])", "-$1").toLowerCase());
  }

  @Test
  void everyOptionHasAPropertyAndEveryPropertyAnOptionOrTheGapIsNamedWithItsReason()
      throws Exception {
    Map<String, String> properties = properties();
    Map<String, String> optionsWithout = ReadmeTable.rows("### Options without a property");
    Map<String, String> notOptions = ReadmeTable.rows("### Properties that are not options");

    Set<String> undecided = new TreeSet<>();
    Set<String> coveredProperties = new TreeSet<>();
    for (String option : options().keySet()) {
      String property = property(option);
      if (properties.containsKey(property)) {
        coveredProperties.add(property);
        assertThat(optionsWithout)
            .as("listed without a property, yet has one")
            .doesNotContainKey(option);
      } else if (!optionsWithout.containsKey(option)) {
        undecided.add(option + " (" + KimiChatProperties.PREFIX + "." + property + ")");
      }
    }
    assertThat(undecided)
        .as(
            "KimiChatOptions options without a spring.ai.kimi.chat.* property and without a row"
                + " under \"### Options without a property\" in README.md")
        .isEmpty();
    assertThat(options())
        .as("listed options that exist")
        .containsKeys(optionsWithout.keySet().toArray(String[]::new));

    Set<String> orphans = new TreeSet<>(properties.keySet());
    orphans.removeAll(coveredProperties);
    assertThat(orphans)
        .as(
            "spring.ai.kimi.chat.* properties that set no option, without a row under"
                + " \"### Properties that are not options\" in README.md")
        .isEqualTo(
            notOptions.keySet().stream()
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
    assertThat(optionsWithout.values())
        .as("reasons")
        .allSatisfy(r -> assertThat(r).hasSizeGreaterThan(20));
    assertThat(notOptions.values())
        .as("reasons")
        .allSatisfy(r -> assertThat(r).hasSizeGreaterThan(20));
  }

  @Test
  void everyPropertyThatIsAnOptionSetsItsOptionAndNothingSetSetsNone() throws Exception {
    Map<String, String> properties = properties();
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, Method> byProperty = new TreeMap<>();
    for (Map.Entry<String, Method> option : options().entrySet()) {
      String property = property(option.getKey());
      if (properties.containsKey(property)) {
        byProperty.put(property, option.getValue());
        String name = KimiChatProperties.PREFIX + "." + property;
        String type = properties.get(property);
        if (type.startsWith("java.util.Map")) {
          values.put(name + ".sample", "1");
        } else {
          values.put(name, sample(type));
        }
      }
    }
    assertThat(byProperty).isNotEmpty();

    KimiChatOptions none = bind(Map.of());
    KimiChatOptions every = bind(values);

    for (Map.Entry<String, Method> e : byProperty.entrySet()) {
      assertThat(isSet(e.getValue().invoke(none))).as(e.getKey() + " unset").isFalse();
      assertThat(isSet(e.getValue().invoke(every)))
          .as(KimiChatProperties.PREFIX + "." + e.getKey() + " sets its option")
          .isTrue();
    }
  }

  private static KimiChatOptions bind(Map<String, String> values) {
    return new Binder(new MapConfigurationPropertySource(values))
        .bindOrCreate(KimiChatProperties.PREFIX, KimiChatProperties.class)
        .toOptions();
  }

  /** A value a property of this metadata type binds. */
  private static String sample(String type) throws ClassNotFoundException {
    return switch (type) {
      case "java.lang.Double" -> "0.5";
      case "java.lang.Integer" -> "3";
      case "java.lang.Boolean" -> "true";
      case "java.lang.String" -> "sample";
      case "java.util.List<java.lang.String>" -> "one,two";
      default -> {
        Class<?> enumType = Class.forName(type);
        assertThat(enumType.isEnum()).as(type + " needs a sample value here").isTrue();
        yield ((Enum<?>) enumType.getEnumConstants()[0]).name();
      }
    };
  }

  private static boolean isSet(Object value) {
    return value != null
        && !(value instanceof Collection<?> c && c.isEmpty())
        && !(value instanceof Map<?, ?> m && m.isEmpty());
  }
}
