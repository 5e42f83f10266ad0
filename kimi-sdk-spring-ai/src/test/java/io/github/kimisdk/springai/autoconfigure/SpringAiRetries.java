package io.github.kimisdk.springai.autoconfigure;

import org.springframework.context.ApplicationContext;
import org.springframework.core.retry.RetryTemplate;

/**
 * Spring AI's retry on this line: Spring AI 2 retries with Spring Framework's {@code
 * RetryTemplate}; kimi-sdk-spring-ai-boot3 has a class of this name with spring-retry's.
 */
final class SpringAiRetries {

  private SpringAiRetries() {}

  /** Runs {@code call} in the application's Spring AI {@code RetryTemplate}, as it would. */
  static void retrying(ApplicationContext context, Runnable call) throws Exception {
    context
        .getBean(RetryTemplate.class)
        .execute(
            () -> {
              call.run();
              return null;
            });
  }
}
