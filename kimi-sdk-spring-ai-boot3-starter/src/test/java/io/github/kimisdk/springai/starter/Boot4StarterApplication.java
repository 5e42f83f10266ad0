package io.github.kimisdk.springai.starter;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A Spring Boot 3.5 application that added the Boot 4 artifact by mistake, as {@link
 * Boot4StarterOnBoot3Test} runs it in a process of its own: properties alone, as README gives them.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class Boot4StarterApplication {

  /**
   * Starts the application.
   *
   * @param args its properties, {@code --name=value}
   */
  public static void main(String[] args) {
    new SpringApplicationBuilder(Boot4StarterApplication.class)
        .web(WebApplicationType.NONE)
        .run(args)
        .close();
  }
}
