package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a caller sees when things go wrong: a rate limit (HTTP 429 with {@code Retry-After}, once
 * retried by the default {@link RetryPolicy} and once surfaced with retries off), a bad key (HTTP
 * 401) and a stream that breaks off before {@code data: [DONE]}. Each failure is a {@link
 * KimiException} subclass carrying the server's message and request id; the truncated stream keeps
 * the text that did arrive. It always runs against a scripted {@link FakeKimiServer}: the real API
 * cannot be asked to fail on cue. With {@code KIMI_PROTOCOL=anthropic} the same failures come over
 * the fake's Anthropic Messages surface.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ErrorHandling
 * </pre>
 */
public final class ErrorHandling {

  private ErrorHandling() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(System.getenv(), System.out));
  }

  private static FakeResponse rateLimited() {
    return FakeResponse.error(
            429,
            "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":"
                + "\"Your account org-demo request reached max RPM: 3, please try again"
                + " after 3 seconds\"}}")
        .withHeader("Retry-After", "3")
        .withHeader("Msh-Request-Id", "req-demo-429");
  }

  static int run(Map<String, String> env, PrintStream out) {
    try (ExampleSession session = ExampleSession.offline(out, ExampleSession.DEFAULT_MODEL, env)) {
      FakeKimiServer server = session.server();
      KimiClient kimi = session.kimi();
      ChatRequest hello =
          ChatRequest.builder(session.model())
              .addUser("Hello")
              .thinking(ExampleSession.thinkingOffWherePossible(session.model()))
              .build();

      out.println("== 1. Rate limited (scripted HTTP 429, Retry-After: 3) ==");
      out.println("  default RetryPolicy: waits the 3 s the server asks for, then retries");
      server.enqueue(rateLimited());
      show(() -> kimi.chat(hello).text(), out);
      out.println("  RetryPolicy.none(): the caller sees the 429 at once");
      server.enqueue(rateLimited());
      try (KimiClient noRetries = session.clientBuilder().retryPolicy(RetryPolicy.none()).build()) {
        show(() -> noRetries.chat(hello).text(), out);
      }

      out.println("== 2. Bad API key (scripted HTTP 401) ==");
      server.enqueue(
          FakeResponse.error(
                  401,
                  "{\"error\":{\"type\":\"invalid_authentication_error\",\"message\":"
                      + "\"Invalid Authentication\"}}")
              .withHeader("Msh-Request-Id", "req-demo-401"));
      show(() -> kimi.chat(hello).text(), out);

      out.println("== 3. Stream cut off before [DONE] ==");
      server.enqueue(
          FakeResponse.sse()
              .data(chunk(session.model(), "{\"role\":\"assistant\",\"content\":\"Once upon\"}"))
              .data(chunk(session.model(), "{\"content\":\" a time\"}"))
              .build()
              .withHeader("Msh-Request-Id", "req-demo-eof"));
      show(
          () -> {
            try (ChatStream stream = kimi.stream(hello)) {
              return stream.forEachText(t -> out.println("  [arrived] \"" + t + "\"")).text();
            }
          },
          out);
      return 0;
    }
  }

  private static String chunk(String model, String delta) {
    return "{\"id\":\"chatcmpl-demo\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
        + "\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"delta\":"
        + delta
        + ",\"finish_reason\":null}]}";
  }

  private interface Call {
    String run();
  }

  /** Makes a call and prints what the caller gets: the reply, or the exception's details. */
  private static void show(Call call, PrintStream out) {
    try {
      out.println("  reply: " + call.run());
    } catch (KimiException e) {
      out.println("  exception:  " + e.getClass().getSimpleName());
      out.println("  message:    " + e.getMessage());
      out.println("  request id: " + e.requestId().orElse("(none)"));
      if (e instanceof ApiException api) {
        out.println(
            "  status "
                + api.status()
                + ", type "
                + api.errorType().orElse("?")
                + ", retryable "
                + api.isRetryable()
                + api.retryAfter().map(d -> ", retry after " + d.toSeconds() + " s").orElse(""));
        api.hint().ifPresent(h -> out.println("  hint:       " + h));
      }
      if (e instanceof StreamException s && s.partial() != null) {
        out.println("  kept text:  \"" + s.partial().text() + "\"");
      }
    }
  }
}
