package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatRequest;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * Every component of the SDK's {@link ChatRequest} is either mapped from Spring AI, or decided not
 * to be, as this module's decisions file says ({@code src/test/resources/chat-request-components
 * .properties}, which kimi-sdk's {@code ChatRequestDecisionsTest} reads in the default build, so
 * that a component added to {@code ChatRequest} fails there until this module decides). This test
 * holds the file to the code, and README.md's "Not mapped" table to the file.
 *
 * <p>Mapped means: a streamed prompt whose options set every option {@link KimiChatOptions} has
 * (and declare a tool) becomes a request in which the component is set (not null, not empty, not
 * false).
 */
class ChatRequestParityTest {

  /** The components the module sets from a streamed prompt with these options. */
  static Set<String> mapped(KimiChatOptions options) throws ReflectiveOperationException {
    ChatRequest request =
        Requests.toKimi(List.of(new UserMessage("What time is it?")), options, true);
    Set<String> set = new LinkedHashSet<>();
    for (RecordComponent c : ChatRequest.class.getRecordComponents()) {
      Object value = c.getAccessor().invoke(request);
      boolean isSet =
          value != null
              && !Boolean.FALSE.equals(value)
              && !(value instanceof Collection<?> list && list.isEmpty())
              && !(value instanceof Map<?, ?> map && map.isEmpty());
      if (isSet) {
        set.add(c.getName());
      }
    }
    return set;
  }

  /** The README's "Not mapped" table: each component with its reason. */
  static Map<String, String> notMapped() throws IOException {
    return ReadmeTable.rows("## Not mapped");
  }

  /** The decisions file: each component, then {@code mapped: ...} or {@code not mapped: ...}. */
  static Map<String, String> decisions() throws IOException {
    Properties p = new Properties();
    try (Reader r =
        Files.newBufferedReader(
            Path.of("src/test/resources/chat-request-components.properties"),
            StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, String> out = new TreeMap<>();
    for (String c : p.stringPropertyNames()) {
      out.put(c, p.getProperty(c));
    }
    return out;
  }

  static Set<String> decided(String how) throws IOException {
    Set<String> out = new TreeSet<>();
    decisions()
        .forEach(
            (c, d) -> {
              if (d.startsWith(how + ": ")) {
                out.add(c);
              }
            });
    return out;
  }

  @Test
  void theDecisionsFileDecidesEveryComponentAsTheCodeDoes() throws Exception {
    Set<String> components = new LinkedHashSet<>();
    for (RecordComponent c : ChatRequest.class.getRecordComponents()) {
      components.add(c.getName());
    }
    assertThat(decisions().keySet())
        .as("components decided in src/test/resources/chat-request-components.properties")
        .containsExactlyInAnyOrderElementsOf(components);
    assertThat(decided("mapped"))
        .as("components the decisions file says are mapped, against those the options set")
        .containsExactlyInAnyOrderElementsOf(mapped(EveryOption.everything()));
    assertThat(decided("not mapped"))
        .as("the rest, as README.md's \"## Not mapped\" lists them")
        .isEqualTo(new TreeSet<>(notMapped().keySet()));
    assertThat(notMapped().values())
        .as("reasons")
        .allSatisfy(r -> assertThat(r).hasSizeGreaterThan(20));
  }

  @Test
  void anOptionThePromptLeavesUnsetDoesNotCountAsMapped() throws Exception {
    // What the check above finds when a mapping is lost: the component stays unset.
    assertThat(mapped(KimiChatOptions.builder().model("kimi-k3").build()))
        .containsExactlyInAnyOrder("model", "messages", "stream", "includeUsage");
  }
}
