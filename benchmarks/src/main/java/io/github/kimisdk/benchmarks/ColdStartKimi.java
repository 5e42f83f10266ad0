package io.github.kimisdk.benchmarks;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;

/**
 * Cold start with kimi-sdk: one streaming call, every chunk consumed, then exit. Arguments: base
 * URL, expected chunk count. Exits 1 when the count differs. Uses kimi-sdk classes only.
 *
 * <p>It prints a second line, {@code clock START FIRST LAST}: the wall clock in milliseconds when
 * {@code main} began, then the milliseconds from there to the first chunk parsed and to the last
 * (the whole reply parsed), by {@link System#nanoTime()}; {@code cold-start.sh} reads it.
 */
public final class ColdStartKimi {

  private ColdStartKimi() {}

  /**
   * Makes the call.
   *
   * @param args base URL and expected chunk count
   */
  public static void main(String[] args) {
    long start = System.currentTimeMillis();
    long t0 = System.nanoTime();
    long first = 0;
    long last = 0;
    int chunks = 0;
    long chars = 0;
    try (KimiClient kimi = KimiClient.builder().apiKey("sk-cold-start").baseUrl(args[0]).build();
        ChatStream stream = kimi.stream(ChatRequest.of("kimi-k3", "What is the weather?"))) {
      for (ChatCompletionChunk c : stream) {
        if (chunks++ == 0) {
          first = System.nanoTime();
        }
        chars += c.text().length();
        last = System.nanoTime();
      }
    }
    System.out.println("kimi-sdk " + chunks + " chunks " + chars + " chars");
    System.out.println(ColdStartBare.clock(start, t0, first, last));
    if (chunks != Integer.parseInt(args[1])) {
      System.exit(1);
    }
  }
}
