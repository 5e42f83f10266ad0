package io.github.kimisdk.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * The floor for {@link CpuPerCallClient}: the JDK's {@code HttpClient} (HTTP/1.1, one client,
 * connections kept alive) reading the stream with {@code BodyHandlers.ofLines()} and counting
 * {@code data:} lines, decoding nothing.
 */
final class CpuPerCallFloor implements CpuPerCallClient.Call {

  static Object sink;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final HttpRequest request;

  /** The chat floor, with a request timeout when {@code timeout} is not null. */
  CpuPerCallFloor(String url, java.time.Duration timeout) {
    this(
        url + "/chat/completions",
        "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"What is the weather in Beijing?\"}],\"stream\":true}",
        timeout);
  }

  CpuPerCallFloor(String url) {
    this(url, (java.time.Duration) null);
  }

  /** The floor of another endpoint: the same reading of {@code data:} lines. */
  CpuPerCallFloor(String endpoint, String body) {
    this(endpoint, body, null);
  }

  CpuPerCallFloor(String endpoint, String body, java.time.Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint));
    if (timeout != null) {
      b.timeout(timeout);
    }
    request =
        b.header("Authorization", "Bearer sk-cpu-per-call")
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
  }

  @Override
  public long[] call() throws Exception {
    HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode());
    }
    long chunks = 0;
    try (Stream<String> lines = response.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
          sink = line;
          chunks++;
        }
      }
    }
    return new long[] {chunks, -1};
  }

  @Override
  public void close() {}
}
