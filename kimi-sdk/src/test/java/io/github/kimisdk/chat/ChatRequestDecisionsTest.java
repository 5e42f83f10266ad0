package io.github.kimisdk.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each framework module decides, in a data file of its sources, what it does with every {@link
 * ChatRequest} component: mapped (from what its users set) or not mapped (and why). This test runs
 * in the default build, which downloads no framework, so a component added to {@code ChatRequest}
 * fails a plain {@code mvn verify}, naming each module that has not decided; each module's own
 * {@code ChatRequestParityTest} ({@code -P artifacts verify}) holds its file to its code.
 */
class ChatRequestDecisionsTest {

  /** The modules that map a {@code ChatRequest}, by directory beside this module. */
  static final List<String> MODULES =
      List.of("kimi-sdk-langchain4j", "kimi-sdk-spring-ai", "kimi-sdk-flink");

  /** Where each module keeps its decisions, below the module's directory. */
  static final String FILE = "src/test/resources/chat-request-components.properties";

  static final Pattern DECISION = Pattern.compile("(mapped|not mapped): \\S.{14,}");

  static Properties decisions(String module) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of("..", module, FILE), StandardCharsets.UTF_8)) {
      p.load(r);
    }
    return p;
  }

  static List<String> components() {
    return Arrays.stream(ChatRequest.class.getRecordComponents())
        .map(RecordComponent::getName)
        .toList();
  }

  @Test
  void everyFrameworkModuleDecidesEveryComponent() throws IOException {
    List<String> problems = new ArrayList<>();
    for (String module : MODULES) {
      Properties decided = decisions(module);
      for (String c : components()) {
        String d = decided.getProperty(c);
        if (d == null) {
          problems.add(module + ": " + c + " is undecided");
        } else if (!DECISION.matcher(d).matches()) {
          problems.add(
              module
                  + ": "
                  + c
                  + " = "
                  + d
                  + " (say \"mapped: <from what>\" or \"not mapped: <why>\")");
        }
      }
      for (String key : decided.stringPropertyNames()) {
        if (!components().contains(key)) {
          problems.add(module + ": " + key + " is no ChatRequest component");
        }
      }
    }
    assertThat(problems)
        .as(
            "ChatRequest components a framework module has not decided: add a line to the module's "
                + FILE
                + ", then map the component in the module (its ChatRequestParityTest, under -P"
                + " artifacts verify, checks the code agrees)")
        .isEmpty();
  }
}
