package io.github.kimisdk.springai;

import org.springframework.ai.chat.client.ChatClient;

/**
 * What the shared tests do with {@code ChatClient} that the Spring lines spell their own way: a
 * request's options (Spring AI 2 takes the options' builder); kimi-sdk-spring-ai and
 * kimi-sdk-spring-ai-boot3 each have this class.
 */
public final class ChatClients {

  private ChatClients() {}

  /**
   * Gives a {@code ChatClient} request Kimi's options.
   *
   * @param spec the request
   * @param options the options
   * @return the request
   */
  public static ChatClient.ChatClientRequestSpec options(
      ChatClient.ChatClientRequestSpec spec, KimiChatOptions.Builder options) {
    return spec.options(options);
  }
}
