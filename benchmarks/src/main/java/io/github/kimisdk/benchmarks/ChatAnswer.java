package io.github.kimisdk.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * One whole chat completion, for the CPU per call of the chat path (not streamed): a reply of
 * {@link #TEXT_CHARS} characters of text with usage, as Kimi's {@code /chat/completions} answers a
 * request without {@code stream}. {@link ColdStartServer} serves it below {@code /j/v1}.
 */
final class ChatAnswer {

  /** Characters of the reply's text, which every client must see. */
  static final int TEXT_CHARS = 600;

  /** The path prefix the answer is served below, in place of the base URL's {@code /v1}. */
  static final String PREFIX = "/j/v1";

  private ChatAnswer() {}

  /** Returns the body: a completion whose content is {@link #TEXT_CHARS} characters. */
  static byte[] body() {
    StringBuilder text = new StringBuilder();
    String words = "The weather in Beijing is sunny, 23 degrees, with a light northern wind. ";
    while (text.length() < TEXT_CHARS) {
      text.append(words);
    }
    text.setLength(TEXT_CHARS);
    return ("{\"id\":\"chatcmpl-0b7e9c2a\",\"object\":\"chat.completion\",\"created\":1764000000,"
            + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\""
            + text
            + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":18,"
            + "\"completion_tokens\":140,\"total_tokens\":158}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The base URL below which the server sends this answer, from the server's base URL. */
  static String baseUrl(String url) {
    return url.substring(0, url.length() - "/v1".length()) + PREFIX;
  }
}
