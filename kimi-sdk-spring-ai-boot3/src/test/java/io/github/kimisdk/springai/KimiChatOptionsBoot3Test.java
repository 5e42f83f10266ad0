package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

/**
 * Spring AI 1.1's options: mutable as its {@code ChatClient} wants them (a copy per request, the
 * request's tools and schema set on it), laid over the model's defaults by the model, and built
 * with the same builder methods as kimi-sdk-spring-ai's.
 */
class KimiChatOptionsBoot3Test {

  @Test
  void aCopyIsItsOwnSoChatClientsChangesStayInTheRequest() {
    KimiChatOptions defaults =
        KimiChatOptions.builder().model("kimi-k3").toolContext("tenant", "acme").build();

    KimiChatOptions copy = defaults.copy();
    copy.setToolNames(Set.of("weather"));
    copy.getToolContext().put("user", "ada");
    copy.setOutputSchema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}");

    assertThat(defaults.getToolNames()).isEmpty();
    assertThat(defaults.getToolContext()).containsOnlyKeys("tenant");
    assertThat(defaults.getOutputSchema()).isNull();
    assertThat(copy.getResponseFormat().type()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
    assertThat(copy.getOutputSchema()).contains("\"a\"");
    KimiChatOptions again = defaults.copy();
    assertThat(again).isEqualTo(defaults).isNotSameAs(defaults);
  }

  @Test
  void aRequestsOptionsAreLaidOverTheDefaultsWhatTheySetReplacing() {
    KimiChatOptions defaults =
        KimiChatOptions.builder()
            .model("kimi-k3")
            .reasoningEffort("high")
            .promptCacheKey("support-bot")
            .httpHeaders(Map.of("X-Team", "support"))
            .extraBody(Map.of("seed", 1))
            .build();
    KimiChatOptions request =
        KimiChatOptions.builder()
            .reasoningEffort("max")
            .tenant("acme")
            .httpHeaders(Map.of("x-team", "billing"))
            .extraBody(Map.of("tag", "t"))
            .build();

    KimiChatOptions merged = defaults.overlaidWith(request);

    assertThat(merged.getModel()).isEqualTo("kimi-k3");
    assertThat(merged.getReasoningEffort()).isEqualTo("max");
    assertThat(merged.getPromptCacheKey()).isEqualTo("support-bot");
    assertThat(merged.getTenant()).isEqualTo("acme");
    assertThat(merged.getHttpHeaders()).containsExactly(Map.entry("x-team", "billing"));
    assertThat(merged.getExtraBody()).containsOnlyKeys("seed", "tag");
    assertThat(defaults.getReasoningEffort()).as("the defaults unchanged").isEqualTo("high");
  }

  @Test
  void portableOptionsOfAnotherKindAreLaidOverTooWithTheirToolSwitch() {
    KimiChatOptions defaults =
        KimiChatOptions.builder().model("kimi-k3").thinking(Thinking.enabled()).build();
    ToolCallingChatOptions portable =
        ToolCallingChatOptions.builder()
            .model("kimi-k2.6")
            .maxTokens(100)
            .internalToolExecutionEnabled(false)
            .build();

    KimiChatOptions merged = defaults.overlaidWith(portable);

    assertThat(merged.getModel()).isEqualTo("kimi-k2.6");
    assertThat(merged.getMaxTokens()).isEqualTo(100);
    assertThat(merged.getThinking()).isEqualTo(Thinking.enabled());
    assertThat(merged.getInternalToolExecutionEnabled()).isFalse();
    assertThat(defaults.overlaidWith((ChatOptions) null)).isEqualTo(defaults);
  }

  /** A builder method of kimi-sdk-spring-ai's options: {@code public Builder name(}. */
  private static final Pattern BUILDER_METHOD = Pattern.compile("public Builder (\\w+)\\(");

  @Test
  void everyBuilderMethodOfTheBoot4OptionsIsHereToo() throws Exception {
    Path boot4 =
        Path.of(
            "../kimi-sdk-spring-ai/src/main/java/io/github/kimisdk/springai/KimiChatOptions.java");
    Set<String> there = new TreeSet<>();
    Matcher m = BUILDER_METHOD.matcher(Files.readString(boot4));
    while (m.find()) {
      there.add(m.group(1));
    }
    List<String> here = new ArrayList<>();
    for (Method method : KimiChatOptions.Builder.class.getMethods()) {
      if (method.getReturnType() == KimiChatOptions.Builder.class) {
        here.add(method.getName());
      }
    }

    assertThat(there).as("read from kimi-sdk-spring-ai").contains("reasoningEffort", "tenant");
    // the options' own mutate(), read with the builder's methods, is the options' here too
    assertThat(there.remove("mutate")).isTrue();
    assertThat(KimiChatOptions.class.getMethod("mutate").getReturnType())
        .isEqualTo(KimiChatOptions.Builder.class);
    // Spring AI 2's ChatClient merges builders (combineWith); Spring AI 1's hands the model the
    // request's options, which the model lays over its own (overlaidWith)
    assertThat(there.remove("combineWith")).isTrue();
    assertThat(KimiChatOptions.class.getMethod("overlaidWith", ChatOptions.class)).isNotNull();
    assertThat(here).containsAll(there);
  }
}
