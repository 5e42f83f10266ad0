package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Which Spring line an application runs, and what the jar built for the other says: every mix of
 * Spring Boot and Spring AI lines, told from the classes each line alone has.
 */
class SpringLinesTest {

  private static final Predicate<String> BOOT4_AI2 =
      Set.of(SpringLines.BOOT4_CLASS, SpringLines.SPRING_AI2_CLASS, SpringLines.SPRING_AI_111_CLASS)
          ::contains;
  private static final Predicate<String> BOOT3_AI1 =
      Set.of(SpringLines.SPRING_AI_111_CLASS)::contains;
  private static final Predicate<String> BOOT3_AI110 = name -> false;
  private static final Predicate<String> BOOT3_AI2 =
      Set.of(SpringLines.SPRING_AI2_CLASS, SpringLines.SPRING_AI_111_CLASS)::contains;
  private static final Predicate<String> BOOT4_AI1 =
      Set.of(SpringLines.BOOT4_CLASS, SpringLines.SPRING_AI_111_CLASS)::contains;

  @Test
  void eachLineOnItsOwnClassesPasses() {
    assertThat(SpringLines.mismatch(SpringLines.BOOT4, BOOT4_AI2, "2.0.1")).isNull();
    assertThat(SpringLines.mismatch(SpringLines.BOOT3, BOOT3_AI1, "1.1.2")).isNull();
  }

  @Test
  void theBoot4JarOnBoot3NamesTheBoot3Starter() {
    String[] wrong = SpringLines.mismatch(SpringLines.BOOT4, BOOT3_AI1, "1.1.2");

    assertThat(wrong[0])
        .contains("io.github.kimisdk:kimi-sdk-spring-ai (which kimi-sdk-spring-ai-starter brings)")
        .contains("built for Spring Boot 4 with Spring AI 2")
        .contains("with Spring AI 1.1.2");
    assertThat(wrong[1])
        .startsWith(
            "Replace io.github.kimisdk:kimi-sdk-spring-ai-starter with"
                + " io.github.kimisdk:kimi-sdk-spring-ai-boot3-starter")
        .contains("spring.ai.kimi.* properties");
  }

  @Test
  void theBoot3JarOnBoot4NamesTheBoot4Starter() {
    String[] wrong = SpringLines.mismatch(SpringLines.BOOT3, BOOT4_AI2, null);

    assertThat(wrong[0]).contains("built for Spring Boot 3.5 with Spring AI 1.1");
    assertThat(wrong[1])
        .startsWith(
            "Replace io.github.kimisdk:kimi-sdk-spring-ai-boot3-starter with"
                + " io.github.kimisdk:kimi-sdk-spring-ai-starter");
  }

  @Test
  void aMixOfLinesSaysWhichSpringAiGoesWithWhichBoot() {
    String[] boot3WithAi2 = SpringLines.mismatch(SpringLines.BOOT3, BOOT3_AI2, "2.0.1");
    String[] boot4WithAi1 = SpringLines.mismatch(SpringLines.BOOT4, BOOT4_AI1, "1.1.2");

    assertThat(boot3WithAi2[1])
        .startsWith("Spring AI 1.1 is what runs on Spring Boot 3.5")
        .contains("kimi-sdk-spring-ai-boot3-starter")
        .contains("Spring Boot 4 and use io.github.kimisdk:kimi-sdk-spring-ai-starter");
    assertThat(boot4WithAi1[1])
        .startsWith("Spring AI 2 is what runs on Spring Boot 4")
        .contains("kimi-sdk-spring-ai-starter");
  }

  @Test
  void theBoot3JarOnSpringAi110SaysToBringSpringAiTo111() {
    String[] wrong = SpringLines.mismatch(SpringLines.BOOT3, BOOT3_AI110, "1.1.0");

    assertThat(wrong[0])
        .contains("kimi-sdk-spring-ai-boot3 needs Spring AI 1.1.1 or newer")
        .contains("runs Spring AI 1.1.0");
    assertThat(wrong[1]).startsWith("Bring Spring AI to 1.1.1 or newer");
    assertThat(SpringLines.mismatch(SpringLines.BOOT4, BOOT4_AI2, "2.0.0")).isNull();
  }
}
