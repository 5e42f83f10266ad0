package io.github.kimisdk.internal.http;

import io.github.kimisdk.internal.flow.Delayer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The transport's reliability settings, validated by the client builder.
 *
 * @param httpVersion the HTTP version to force, or null for HTTP/1.1 on cleartext and the client's
 *     default (HTTP/2 negotiated over TLS) on {@code https}
 * @param maxJsonDepth the nesting limit for decoding completions and chunks
 * @param logger where per-attempt debug lines go
 * @param logContent whether request and response bodies are logged too
 * @param logHeaders whether request and response headers are logged too (the key redacted)
 * @param bodyIdle the longest silence allowed while a non-streamed body is read
 * @param schedule runs a task after a delay on real time, handing it to the client's executor (the
 *     body idle watchdog, whose abort completes the caller's future)
 * @param lingerTimer runs the end of a stream's linger after a delay on the timer thread itself: it
 *     only gives up a connection; a task still waiting when the client closes runs then
 */
public record TransportOptions(
    HttpClient.Version httpVersion,
    int maxJsonDepth,
    System.Logger logger,
    boolean logContent,
    boolean logHeaders,
    Duration bodyIdle,
    Delayer schedule,
    BiConsumer<Runnable, Duration> lingerTimer) {

  /** Checks the components. */
  public TransportOptions {
    Objects.requireNonNull(logger, "logger");
    Objects.requireNonNull(bodyIdle, "bodyIdle");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(lingerTimer, "lingerTimer");
  }
}
