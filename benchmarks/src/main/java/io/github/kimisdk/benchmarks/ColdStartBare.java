package io.github.kimisdk.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Cold start floor: one streaming call with a bare {@code java.net.http} client that counts {@code
 * data:} lines and decodes nothing, then exit. Arguments: base URL, expected chunk count.
 *
 * <p>It prints a second line, {@code clock START FIRST LAST}: the wall clock in milliseconds when
 * {@code main} began, then the milliseconds from there to the first chunk parsed and to the last
 * (the whole reply parsed), by {@link System#nanoTime()}; {@code cold-start.sh} reads it.
 */
public final class ColdStartBare {

  private ColdStartBare() {}

  /**
   * Makes the call.
   *
   * @param args base URL and expected chunk count
   * @throws IOException on an I/O failure
   * @throws InterruptedException when interrupted
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    long start = System.currentTimeMillis();
    long t0 = System.nanoTime();
    long first = 0;
    long last = 0;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(args[0] + "/chat/completions"))
            .header("Authorization", "Bearer sk-cold-start")
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":"
                        + "\"What is the weather?\"}],\"stream\":true}"))
            .build();
    int chunks = 0;
    try (Stream<String> lines = http.send(request, HttpResponse.BodyHandlers.ofLines()).body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
          if (chunks++ == 0) {
            first = System.nanoTime();
          }
          last = System.nanoTime();
        }
      }
    }
    System.out.println("bare " + chunks + " chunks");
    System.out.println(clock(start, t0, first, last));
    if (chunks != Integer.parseInt(args[1])) {
      System.exit(1);
    }
  }

  /**
   * Returns the line {@code clock START FIRST LAST} the cold-start mains print: {@code start} in
   * epoch milliseconds, then the milliseconds from {@code t0} to {@code first} and to {@code last}
   * (nano times). A {@code StringBuilder}, not an {@code invokedynamic} concatenation, so that it
   * spins nothing after the call.
   *
   * @param start the wall clock when {@code main} began, in epoch milliseconds
   * @param t0 the nano time when {@code main} began
   * @param first the nano time of the first chunk
   * @param last the nano time of the last chunk
   * @return the line
   */
  static String clock(long start, long t0, long first, long last) {
    return new StringBuilder("clock ")
        .append(start)
        .append(' ')
        .append((first - t0) / 1000 / 1000.0)
        .append(' ')
        .append((last - t0) / 1000 / 1000.0)
        .toString();
  }
}
