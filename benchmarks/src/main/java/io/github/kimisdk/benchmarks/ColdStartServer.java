package io.github.kimisdk.benchmarks;

import java.io.IOException;
import java.util.Map;

/**
 * Serves the recorded stream of {@code cold-start.sh} until killed: prints its base URL and the
 * chunk count on one line, then waits. Below {@code /r/v1} it serves {@link ResponsesStream}'s
 * answer instead, over chat completions and over Responses, and below {@code /j/v1} a whole chat
 * completion ({@link ChatAnswer}). With {@code --whole} it sends each body in one write, with its
 * length, instead of chunked (see {@link LoopbackServer}).
 */
public final class ColdStartServer {

  private ColdStartServer() {}

  /**
   * Starts the server.
   *
   * @param args nothing, or {@code --whole}
   * @throws IOException if the server cannot start
   * @throws InterruptedException when interrupted
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    RecordedStream stream = RecordedStream.build(RecordedStream.DEFAULT_CHUNKS);
    ResponsesStream same = ResponsesStream.build();
    LoopbackServer server =
        new LoopbackServer(
            stream.body,
            Map.of(
                "/r/v1/chat/completions",
                same.chat,
                "/r/v1/responses",
                same.responses,
                ChatAnswer.PREFIX + "/chat/completions",
                ChatAnswer.body()),
            args.length > 0 && args[0].equals("--whole"));
    System.out.println(server.baseUrl() + " " + stream.chunks);
    System.out.flush();
    Thread.currentThread().join();
  }
}
