package io.github.kimisdk.springai.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Boot 4 artifact ({@code kimi-sdk-spring-ai}, which {@code kimi-sdk-spring-ai-starter} brings)
 * in a Spring Boot 3.5 application on Spring AI 1.1, in place of this line's: the start fails in
 * Spring Boot's failure report naming the artifact to use instead, not on a {@code
 * ClassNotFoundException}. The application runs in a process of its own, on this module's test
 * class path with kimi-sdk-spring-ai's jar in place of kimi-sdk-spring-ai-boot3's (the two hold the
 * same packages, so one class path cannot hold both).
 */
class Boot4StarterOnBoot3Test {

  @Test
  void theBoot4StarterOnBoot3FailsNamingTheArtifactToUse() throws Exception {
    List<String> classPath = new ArrayList<>();
    for (String entry :
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
            .split(File.pathSeparator)) {
      boolean boot3Jar = entry.contains("kimi-sdk-spring-ai-boot3") && !entry.contains("starter");
      if (!boot3Jar && !entry.isEmpty()) {
        classPath.add(entry);
      }
    }
    classPath.add(boot4Jar().toString());
    Path log = Files.createTempFile("boot4-on-boot3", ".log");
    Process app =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                String.join(File.pathSeparator, classPath),
                Boot4StarterApplication.class.getName(),
                "--spring.ai.kimi.api-key=sk-boot3",
                "--spring.ai.kimi.base-url=http://127.0.0.1:9/v1")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      assertThat(app.waitFor(2, TimeUnit.MINUTES)).as("the application ended").isTrue();
    } finally {
      app.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);

    assertThat(app.exitValue()).as(output).isNotZero();
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains(
            "io.github.kimisdk:kimi-sdk-spring-ai (which kimi-sdk-spring-ai-starter brings) is"
                + " built for Spring Boot 4 with Spring AI 2")
        .contains("this application runs Spring Boot 3.5")
        .contains(
            "Replace io.github.kimisdk:kimi-sdk-spring-ai-starter with"
                + " io.github.kimisdk:kimi-sdk-spring-ai-boot3-starter")
        .doesNotContain("ClassNotFoundException", "NoClassDefFoundError", "sk-boot3");
  }

  /** kimi-sdk-spring-ai as its module built it: its jar, or its classes before it is packaged. */
  private static Path boot4Jar() throws IOException {
    Path target = Path.of(System.getProperty("kimi.boot4.target", "../kimi-sdk-spring-ai/target"));
    try (var files = Files.list(target)) {
      Path jar =
          files
              .filter(
                  f -> {
                    String name = f.getFileName().toString();
                    return name.startsWith("kimi-sdk-spring-ai-")
                        && name.endsWith(".jar")
                        && !name.endsWith("-sources.jar")
                        && !name.endsWith("-javadoc.jar")
                        && !name.endsWith("-tests.jar");
                  })
              .findFirst()
              .orElse(target.resolve("classes"));
      assertThat(jar.resolve(jar.toString().endsWith(".jar") ? "" : "META-INF/spring.factories"))
          .as("kimi-sdk-spring-ai is built (mvn -B -P artifacts -pl kimi-sdk-spring-ai package)")
          .exists();
      return jar;
    }
  }
}
