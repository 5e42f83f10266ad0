package io.github.kimisdk.benchmarks;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import java.util.Iterator;

/**
 * openai-java's Responses {@code createStreaming} for {@link CpuPerCallClient}, iterating its
 * events; the text is what its {@code response.output_text.delta} events carry.
 */
final class CpuPerCallOpenAiResponses implements CpuPerCallClient.Call {

  static Object sink;

  private final OpenAIClient client;
  private final ResponseCreateParams params =
      ResponseCreateParams.builder()
          .model("kimi-k3")
          .input("What is the weather in Beijing?")
          .store(false)
          .build();

  CpuPerCallOpenAiResponses(String url) {
    client =
        OpenAIOkHttpClient.builder().apiKey("sk-cpu-per-call").baseUrl(url).maxRetries(0).build();
  }

  @Override
  public long[] call() {
    long events = 0;
    long chars = 0;
    try (StreamResponse<ResponseStreamEvent> response =
        client.responses().createStreaming(params)) {
      Iterator<ResponseStreamEvent> it = response.stream().iterator();
      while (it.hasNext()) {
        ResponseStreamEvent e = it.next();
        sink = e;
        events++;
        if (e.isOutputTextDelta()) {
          chars += e.asOutputTextDelta().delta().length();
        }
      }
    }
    return new long[] {events, chars};
  }

  @Override
  public void close() {
    client.close();
  }
}
