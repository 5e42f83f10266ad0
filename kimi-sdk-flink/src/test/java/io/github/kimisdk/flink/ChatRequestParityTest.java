package io.github.kimisdk.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatRequest;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.junit.jupiter.api.Test;

/**
 * Every component of the SDK's {@link ChatRequest} is reached from a model option, or decided not
 * to be, as this module's decisions file says ({@code src/test/resources/chat-request-components
 * .properties}, which kimi-sdk's {@code ChatRequestDecisionsTest} reads in the default build, so
 * that a component added to {@code ChatRequest} fails there until this module decides). This test
 * holds the file to the code: the components it says are mapped are exactly those {@link #MAPPED}
 * reaches (a row's request with the option set differs in that component from one without).
 */
class ChatRequestParityTest {

  static final Path DECISIONS = Path.of("src/test/resources/chat-request-components.properties");

  private static final OutputLayout TEXT =
      OutputLayout.of(ResolvedSchema.of(Column.physical("answer", DataTypes.STRING())), Map.of());

  /** For each mapped component, the model options that set it (over {@code model = kimi-k3}). */
  static final Map<String, List<String>> MAPPED = new LinkedHashMap<>();

  static {
    MAPPED.put("model", List.of("model", "kimi-k2.6"));
    MAPPED.put("messages", List.of("system-prompt", "Be brief."));
    MAPPED.put("maxCompletionTokens", List.of("max-tokens", "64"));
    MAPPED.put("temperature", List.of("temperature", "0.6"));
    MAPPED.put("topP", List.of("top-p", "0.9"));
    MAPPED.put("n", List.of("n", "2", "temperature", "0.6"));
    MAPPED.put("presencePenalty", List.of("presence-penalty", "0.5"));
    MAPPED.put("stop", List.of("stop", "END"));
    MAPPED.put("responseFormat", List.of("response-format", "json_object"));
    MAPPED.put("thinking", List.of("thinking", "disabled"));
    MAPPED.put("reasoningEffort", List.of("reasoning-effort", "high"));
    MAPPED.put("extraBody", List.of("seed", "42"));
  }

  private static ChatRequest request(List<String> options) {
    Map<String, String> m = new TreeMap<>();
    m.put("model", "kimi-k3");
    for (int i = 0; i < options.size(); i += 2) {
      m.put(options.get(i), options.get(i + 1));
    }
    return ModelSettings.of(Configuration.fromMap(m)).request("hi", TEXT);
  }

  static Map<String, String> decisions() throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(DECISIONS, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, String> out = new TreeMap<>();
    for (String c : p.stringPropertyNames()) {
      out.put(c, p.getProperty(c));
    }
    return out;
  }

  @Test
  void theDecisionsFileDecidesEveryComponentAsTheCodeDoes() throws IOException {
    Set<String> components = new TreeSet<>();
    for (RecordComponent c : ChatRequest.class.getRecordComponents()) {
      components.add(c.getName());
    }
    Set<String> mapped = new TreeSet<>();
    decisions()
        .forEach(
            (c, d) -> {
              if (d.startsWith("mapped: ")) {
                mapped.add(c);
              }
            });
    assertThat(decisions().keySet())
        .as("components decided in %s", DECISIONS)
        .isEqualTo(components);
    assertThat(mapped)
        .as("components %s says are mapped, against those MAPPED reaches", DECISIONS)
        .isEqualTo(new TreeSet<>(MAPPED.keySet()));
  }

  @Test
  void everyMappedComponentIsReachedFromAModelOption() throws Exception {
    ChatRequest bare = request(List.of());
    List<String> unreached = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : MAPPED.entrySet()) {
      RecordComponent c = component(e.getKey());
      Object without = c.getAccessor().invoke(bare);
      Object with = c.getAccessor().invoke(request(e.getValue()));
      if (Objects.equals(without, with)) {
        unreached.add(e.getKey() + " by " + e.getValue());
      }
    }
    assertThat(unreached).as("components the options named do not change").isEmpty();
  }

  private static RecordComponent component(String name) {
    for (RecordComponent c : ChatRequest.class.getRecordComponents()) {
      if (c.getName().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no ChatRequest component " + name);
  }
}
