package io.github.kimisdk.springai.autoconfigure;

import org.springframework.context.ApplicationContext;
import org.springframework.retry.support.RetryTemplate;

/**
 * Spring AI's retry on this line: Spring AI 1.1 retries with spring-retry's {@code RetryTemplate}
 * (which rethrows what it gave up on as it is); kimi-sdk-spring-ai has a class of this name with
 * Spring Framework's.
 */
final class SpringAiRetries {

  private SpringAiRetries() {}

  /** Runs {@code call} in the application's Spring AI {@code RetryTemplate}, as it would. */
  static void retrying(ApplicationContext context, Runnable call) throws Exception {
    context
        .getBean(RetryTemplate.class)
        .execute(
            retry -> {
              call.run();
              return null;
            });
  }
}
