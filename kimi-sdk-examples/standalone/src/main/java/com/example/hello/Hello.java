package com.example.hello;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.testing.FakeKimiServer;
import java.util.stream.Stream;

/**
 * A program of your own using kimi-sdk: it streams one reply, from the real API when an API key is
 * set, else from a local FakeKimiServer.
 */
public final class Hello {

  private Hello() {}

  /**
   * Runs the program.
   *
   * @param args the prompt words (optional)
   */
  public static void main(String[] args) {
    String prompt = args.length == 0 ? "Hello from my own program" : String.join(" ", args);
    boolean hasKey =
        Stream.of("MOONSHOT_API_KEY", "KIMI_API_KEY", "KIMI_CODING_API_KEY")
            .anyMatch(v -> System.getenv(v) != null && !System.getenv(v).isBlank());
    if (hasKey) {
      try (KimiClient kimi = KimiClient.fromEnv()) {
        ask(kimi, prompt);
      }
      return;
    }
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = KimiClient.builder().apiKey("test").baseUrl(server.baseUrl()).build()) {
      System.out.println("No API key set: asking FakeKimiServer at " + server.baseUrl());
      ask(kimi, prompt);
    }
  }

  private static void ask(KimiClient kimi, String prompt) {
    System.out.println(kimi.userAgent() + " > " + prompt);
    try (ChatStream stream = kimi.stream(ChatRequest.of("kimi-k2.6", prompt))) {
      ChatCompletion reply = stream.forEachText(System.out::print);
      System.out.println();
      System.out.println("[finish reason] " + reply.finishReason().value());
    }
  }
}
