package io.github.kimisdk.benchmarks;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.Iterator;

/** openai-java's {@code createStreaming} for {@link CpuPerCallClient}, iterating its stream. */
final class CpuPerCallOpenAi implements CpuPerCallClient.Call {

  static Object sink;

  private final OpenAIClient client;
  private final ChatCompletionCreateParams params =
      ChatCompletionCreateParams.builder()
          .model("kimi-k3")
          .addUserMessage("What is the weather in Beijing?")
          .build();

  CpuPerCallOpenAi(String url) {
    client =
        OpenAIOkHttpClient.builder().apiKey("sk-cpu-per-call").baseUrl(url).maxRetries(0).build();
  }

  @Override
  public long[] call() {
    long chunks = 0;
    long chars = 0;
    try (StreamResponse<ChatCompletionChunk> response =
        client.chat().completions().createStreaming(params)) {
      Iterator<ChatCompletionChunk> it = response.stream().iterator();
      while (it.hasNext()) {
        ChatCompletionChunk c = it.next();
        sink = c;
        chunks++;
        if (!c.choices().isEmpty()) {
          chars += c.choices().get(0).delta().content().map(String::length).orElse(0);
        }
      }
    }
    return new long[] {chunks, chars};
  }

  @Override
  public void close() {
    client.close();
  }
}
