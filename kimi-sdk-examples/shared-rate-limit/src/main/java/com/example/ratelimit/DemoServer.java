package com.example.ratelimit;

import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * run.sh's stand-in for Kimi: a {@link FakeKimiServer} on loopback that enforces one account's
 * requests per minute and concurrency, answering each chat after {@code latencyMillis}. It prints
 * its base URL, serves until its standard input ends, then prints what it saw.
 *
 * <p>Arguments: requests per minute, concurrency, latency in milliseconds.
 */
public final class DemoServer {

  private static final String ANSWER =
      "{\"id\":\"chatcmpl-demo\",\"object\":\"chat.completion\",\"created\":1,"
          + "\"model\":\"kimi-k2.6\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
          + "\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

  private DemoServer() {}

  /**
   * Runs the server.
   *
   * @param args requests per minute, concurrency, latency in milliseconds
   * @throws IOException if standard input fails
   */
  public static void main(String[] args) throws IOException {
    Duration latency = Duration.ofMillis(Long.parseLong(args[2]));
    try (FakeKimiServer server =
        new FakeKimiServer()
            .requestsPerMinute(Integer.parseInt(args[0]))
            .maxConcurrency(Integer.parseInt(args[1]))
            .respondWith(r -> FakeResponse.json(ANSWER).withHeadersDelay(latency))
            .start()) {
      System.out.println("url " + server.baseUrl());
      System.out.flush();
      InputStream in = System.in;
      while (in.read() != -1) {
        // serve until run.sh closes our input
      }
      System.out.println(
          "stats 429s "
              + server.rateLimitedCount()
              + " peak "
              + server.peakConcurrency()
              + " requests "
              + server.requestCount());
    }
  }
}
