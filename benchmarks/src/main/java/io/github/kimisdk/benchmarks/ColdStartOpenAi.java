package io.github.kimisdk.benchmarks;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.Iterator;

/**
 * Cold start with openai-java: one streaming call, every chunk consumed, then exit. Arguments: base
 * URL, expected chunk count. Exits 1 when the count differs. Uses openai-java classes only.
 *
 * <p>It prints a second line, {@code clock START FIRST LAST}: the wall clock in milliseconds when
 * {@code main} began, then the milliseconds from there to the first chunk parsed and to the last
 * (the whole reply parsed), by {@link System#nanoTime()}; {@code cold-start.sh} reads it.
 */
public final class ColdStartOpenAi {

  private ColdStartOpenAi() {}

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
    OpenAIClient client =
        OpenAIOkHttpClient.builder().apiKey("sk-cold-start").baseUrl(args[0]).build();
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model("kimi-k3")
            .addUserMessage("What is the weather?")
            .build();
    try (StreamResponse<ChatCompletionChunk> response =
        client.chat().completions().createStreaming(params)) {
      Iterator<ChatCompletionChunk> it = response.stream().iterator();
      while (it.hasNext()) {
        ChatCompletionChunk c = it.next();
        if (chunks++ == 0) {
          first = System.nanoTime();
        }
        if (!c.choices().isEmpty()) {
          chars += c.choices().get(0).delta().content().map(String::length).orElse(0);
        }
        last = System.nanoTime();
      }
    } finally {
      client.close();
    }
    System.out.println("openai-java " + chunks + " chunks " + chars + " chars");
    System.out.println(ColdStartBare.clock(start, t0, first, last));
    if (chunks != Integer.parseInt(args[1])) {
      System.exit(1);
    }
  }
}
