package io.github.kimisdk.springai.autoconfigure;

import java.util.function.Predicate;
import org.springframework.boot.SpringBootVersion;

/**
 * The two Spring lines Kimi's provider is built for, each an artifact of its own over the same
 * shared sources, and which one an application runs: told by a class each line has and the other
 * lacks, in Spring Boot and in Spring AI, since an application may mix a Boot of one line with a
 * Spring AI of the other.
 */
enum SpringLines {
  /** Spring Boot 4 with Spring AI 2: {@code kimi-sdk-spring-ai}. */
  BOOT4("Spring Boot 4", "Spring AI 2", "kimi-sdk-spring-ai"),
  /** Spring Boot 3.5 with Spring AI 1.1: {@code kimi-sdk-spring-ai-boot3}. */
  BOOT3("Spring Boot 3.5", "Spring AI 1.1", "kimi-sdk-spring-ai-boot3");

  /** A class of Spring Boot 4's that Spring Boot 3 lacks (it moved there from {@code .env}). */
  static final String BOOT4_CLASS = "org.springframework.boot.EnvironmentPostProcessor";

  /** A class of Spring AI 2's that Spring AI 1 lacks (its options became immutable, built). */
  static final String SPRING_AI2_CLASS =
      "org.springframework.ai.model.tool.StructuredOutputChatOptions$Builder";

  /**
   * A class the Spring Boot 3.5 line needs of Spring AI 1.1 that 1.1.0 lacks: the options {@code
   * entity(..)} asks Kimi's structured output through.
   */
  static final String SPRING_AI_111_CLASS =
      "org.springframework.ai.model.tool.StructuredOutputChatOptions";

  private final String boot;
  private final String springAi;
  private final String module;

  SpringLines(String boot, String springAi, String module) {
    this.boot = boot;
    this.springAi = springAi;
    this.module = module;
  }

  /** The Spring Boot line, such as {@code Spring Boot 4}. */
  String boot() {
    return boot;
  }

  /** The Spring AI line, such as {@code Spring AI 2}. */
  String springAi() {
    return springAi;
  }

  /** The artifact with the chat model and its auto-configuration. */
  String module() {
    return module;
  }

  /** The starter: the one dependency a Spring Boot application adds. */
  String starter() {
    return module + "-starter";
  }

  /** The other line. */
  SpringLines other() {
    return this == BOOT4 ? BOOT3 : BOOT4;
  }

  /** The line whose Spring Boot is there ({@code present} tells whether a class is). */
  static SpringLines boot(Predicate<String> present) {
    return present.test(BOOT4_CLASS) ? BOOT4 : BOOT3;
  }

  /** The line whose Spring AI is there. */
  static SpringLines springAi(Predicate<String> present) {
    return present.test(SPRING_AI2_CLASS) ? BOOT4 : BOOT3;
  }

  /**
   * What is wrong when the application does not run {@code built}'s line, or null when it does: a
   * description and an action, naming the artifact to use instead.
   *
   * @param built the line of the jar that asks
   * @param present whether a class is on the application's class path
   * @param springAiVersion the version of Spring AI there, or null when its jar does not say
   */
  static String[] mismatch(SpringLines built, Predicate<String> present, String springAiVersion) {
    SpringLines boot = boot(present);
    SpringLines springAi = springAi(present);
    if (boot == built && springAi == built) {
      if (built == BOOT3 && !present.test(SPRING_AI_111_CLASS)) {
        return new String[] {
          "io.github.kimisdk:"
              + built.module()
              + " needs Spring AI 1.1.1 or newer, and this application runs Spring AI "
              + (springAiVersion == null ? "1.1.0" : springAiVersion)
              + ", which lacks StructuredOutputChatOptions (what entity(..) asks Kimi's"
              + " structured output through).",
          "Bring Spring AI to 1.1.1 or newer: import spring-ai-bom 1.1.2 (the version "
              + built.starter()
              + " names), or remove the older version the application pins."
        };
      }
      return null;
    }
    String running =
        "Spring Boot "
            + SpringBootVersion.getVersion()
            + " with Spring AI "
            + (springAiVersion == null ? springAi.springAi().substring(10) : springAiVersion);
    String description =
        "io.github.kimisdk:"
            + built.module()
            + " (which "
            + built.starter()
            + " brings) is built for "
            + built.boot()
            + " with "
            + built.springAi()
            + ", and this application runs "
            + running
            + ": Kimi's chat model and its auto-configuration would fail on classes that line"
            + " does not have.";
    String action;
    if (boot == springAi) {
      action =
          "Replace io.github.kimisdk:"
              + built.starter()
              + " with io.github.kimisdk:"
              + boot.starter()
              + " (or "
              + built.module()
              + " with "
              + boot.module()
              + "), at the same version: it is built for "
              + boot.boot()
              + " with "
              + boot.springAi()
              + ", and reads the same "
              + KimiConnectionProperties.PREFIX
              + ".* properties.";
    } else {
      action =
          boot.springAi()
              + " is what runs on "
              + boot.boot()
              + ": bring Spring AI to "
              + boot.springAi()
              + " (its BOM, spring-ai-bom) and use io.github.kimisdk:"
              + boot.starter()
              + ", or move the application to "
              + springAi.boot()
              + " and use io.github.kimisdk:"
              + springAi.starter()
              + ".";
    }
    return new String[] {description, action};
  }
}
