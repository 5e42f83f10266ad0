package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ToolChoice;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.langchain4j.internal.Requests;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every component of the SDK's {@link ChatRequest} is reached from LangChain4j, or decided not to
 * be, as this module's decisions file says ({@code src/test/resources/chat-request-components
 * .properties}, which kimi-sdk's {@code ChatRequestDecisionsTest} reads in the default build, so
 * that a component added to {@code ChatRequest} fails there until this module decides). This test
 * holds the file to the code: the components it says are mapped are exactly those {@link #MAPPED}
 * shows reached (a LangChain4j request that sets the counterpart gives a Kimi request whose
 * component differs from the one a bare request gives), and README.md's "Not mapped" table lists
 * exactly the components it says are not.
 */
class ChatRequestParityTest {

  static final Path README = Path.of("README.md");

  static final Path DECISIONS = Path.of("src/test/resources/chat-request-components.properties");

  /** A LangChain4j request: its messages, its parameters, and whether it streams. */
  record Lc4jRequest(
      List<ChatMessage> messages, KimiChatRequestParameters.Builder p, boolean stream) {
    ChatRequest toKimi() {
      return Requests.toKimi(messages, p.build(), stream);
    }
  }

  static Lc4jRequest bare() {
    return new Lc4jRequest(
        List.of(UserMessage.from("Hi")),
        KimiChatRequestParameters.builder().modelName("kimi-k3"),
        false);
  }

  /** For each mapped component, how a LangChain4j user sets it. */
  static final Map<String, UnaryOperator<Lc4jRequest>> MAPPED = new LinkedHashMap<>();

  static {
    MAPPED.put("model", r -> with(r, p -> p.modelName("kimi-k2.6")));
    MAPPED.put(
        "messages",
        r ->
            new Lc4jRequest(
                List.of(SystemMessage.from("Be brief"), UserMessage.from("Hi")),
                r.p(),
                r.stream()));
    MAPPED.put("maxCompletionTokens", r -> with(r, p -> p.maxOutputTokens(100)));
    MAPPED.put("temperature", r -> with(r, p -> p.temperature(0.5)));
    MAPPED.put("topP", r -> with(r, p -> p.topP(0.9)));
    MAPPED.put("presencePenalty", r -> with(r, p -> p.presencePenalty(0.5)));
    MAPPED.put("frequencyPenalty", r -> with(r, p -> p.frequencyPenalty(0.5)));
    MAPPED.put("stop", r -> with(r, p -> p.stopSequences("END")));
    MAPPED.put("stream", r -> new Lc4jRequest(r.messages(), r.p(), true));
    MAPPED.put("includeUsage", r -> new Lc4jRequest(r.messages(), r.p().includeUsage(true), true));
    MAPPED.put("responseFormat", r -> with(r, p -> p.responseFormat(ResponseFormat.JSON)));
    MAPPED.put(
        "tools",
        r -> with(r, p -> p.toolSpecifications(ToolSpecification.builder().name("now").build())));
    MAPPED.put(
        "toolChoice",
        r ->
            with(
                r,
                p ->
                    p.toolSpecifications(ToolSpecification.builder().name("now").build())
                        .toolChoice(ToolChoice.REQUIRED)));
    MAPPED.put("thinking", r -> with(r, p -> p.thinking(Thinking.disabled())));
    MAPPED.put("reasoningEffort", r -> with(r, p -> p.reasoningEffort("high")));
    MAPPED.put("promptCacheKey", r -> with(r, p -> p.promptCacheKey("session-1")));
    MAPPED.put("safetyIdentifier", r -> with(r, p -> p.safetyIdentifier("user-hash")));
    MAPPED.put("extraBody", r -> with(r, p -> p.customParameters(Map.of("user", "u-1"))));
    MAPPED.put("logprobs", r -> with(r, p -> p.logprobs(true)));
    MAPPED.put("topLogprobs", r -> with(r, p -> p.logprobs(true).topLogprobs(3)));
    MAPPED.put("prediction", r -> with(r, p -> p.prediction(Prediction.of("int x = 1;"))));
    MAPPED.put("promptCacheTtl", r -> with(r, p -> p.promptCacheTtl(CacheTtl.ONE_HOUR)));
  }

  static Lc4jRequest with(Lc4jRequest r, UnaryOperator<KimiChatRequestParameters.Builder> set) {
    return new Lc4jRequest(r.messages(), set.apply(r.p()), r.stream());
  }

  static Set<String> components() {
    Set<String> names = new TreeSet<>();
    for (RecordComponent c : ChatRequest.class.getRecordComponents()) {
      names.add(c.getName());
    }
    return names;
  }

  /** The README's "Not mapped" table: component, then the reason. */
  static Map<String, String> notMappedInReadme() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int at = readme.indexOf("\n### Not mapped\n");
    assertThat(at)
        .as("kimi-sdk-langchain4j/README.md has a section \"### Not mapped\"")
        .isPositive();
    String section = readme.substring(at + 1);
    int next = section.indexOf("\n#", 1);
    section = next < 0 ? section : section.substring(0, next);
    Map<String, String> out = new LinkedHashMap<>();
    Matcher row = Pattern.compile("\n\\| `(\\w+)` \\| ([^|]*) \\|").matcher(section);
    while (row.find()) {
      out.put(row.group(1), row.group(2).strip());
    }
    return out;
  }

  /** The decisions file: each component, then {@code mapped: ...} or {@code not mapped: ...}. */
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
  void theDecisionsFileDecidesEveryComponentAsTheCodeDoes() throws IOException {
    assertThat(decisions().keySet())
        .as("components decided in %s", DECISIONS)
        .containsExactlyInAnyOrderElementsOf(components());
    assertThat(decided("mapped"))
        .as(
            "components %s says are mapped, against those ChatRequestParityTest.MAPPED reaches",
            DECISIONS)
        .containsExactlyInAnyOrderElementsOf(MAPPED.keySet());
    assertThat(decided("not mapped"))
        .as("the rest, each with its reason")
        .isEqualTo(new TreeSet<>(notMappedInReadme().keySet()))
        .doesNotContainAnyElementsOf(MAPPED.keySet());
    assertThat(notMappedInReadme().values())
        .as("reasons")
        .allSatisfy(r -> assertThat(r).hasSizeGreaterThan(20));
  }

  @Test
  void everyMappedComponentIsReachedFromLangChain4j() throws Exception {
    ChatRequest base = bare().toKimi();
    for (Map.Entry<String, UnaryOperator<Lc4jRequest>> e : MAPPED.entrySet()) {
      RecordComponent c =
          Arrays.stream(ChatRequest.class.getRecordComponents())
              .filter(rc -> rc.getName().equals(e.getKey()))
              .findFirst()
              .orElseThrow();
      ChatRequest probe = e.getValue().apply(bare()).toKimi();
      Object before = c.getAccessor().invoke(base);
      Object after = c.getAccessor().invoke(probe);
      assertThat(Objects.equals(before, after))
          .as("%s: %s with and without its LangChain4j counterpart", e.getKey(), after)
          .isFalse();
    }
  }

  @Test
  void kimisOwnParametersSurviveAMergeWithLangChain4jsCommonOnes() {
    KimiChatRequestParameters merged =
        KimiChatRequestParameters.builder()
            .logprobs(true)
            .prediction(Prediction.of("x"))
            .build()
            .overrideWith(ChatRequestParameters.builder().temperature(0.3).build());
    assertThat(merged.logprobs()).isTrue();
    assertThat(merged.prediction()).isEqualTo(Prediction.of("x"));
    assertThat(merged.temperature()).isEqualTo(0.3);
  }
}
