package io.github.kimisdk.testing;

import io.github.kimisdk.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a replica serves the model's answers in time, as {@link FakeKimiServer#serviceTime}, {@link
 * FakeKimiServer#slowFirstToken} and {@link FakeKimiServer#cutStreams} set it: each answer takes a
 * service time while it holds its admission slot (a whole reply's status line comes after it, a
 * stream's first chunk after it, its headers at once), every {@code n}-th stream waits longer for
 * its first chunk, and every {@code n}-th stream that continues nothing is cut after {@code k}
 * chunks of output, the connection closed with no {@code [DONE]}. Only the answers of chat calls
 * that reached the model (or a responder) are served so; a refusal, a scripted response and a
 * {@code failCalls} error are answered at once, as they are.
 *
 * <p>Thread model: the settings are an immutable value swapped whole ({@code volatile}), by setters
 * that hold this object's lock so that two settings made at once both stay; the counters are
 * atomic, counted from the moment their setting was made; the server's handler threads call {@link
 * #serve} concurrently, without the lock.
 */
final class FakeServing {

  /**
   * The settings: {@code serviceTime} for every answer; every {@code slowEvery}-th stream's first
   * chunk after {@code slowFirstToken} instead (0: none); every {@code cutEvery}-th stream that
   * continues no reply cut after {@code cutAfter} chunks of output (0: none).
   *
   * @param serviceTime the time each answer takes
   * @param slowEvery every how many streams one is slow to its first chunk; 0 for none
   * @param slowFirstToken that stream's wait for its first chunk
   * @param cutEvery every how many streams one is cut; 0 for none
   * @param cutAfter the chunks of output a cut stream sends
   */
  record Settings(
      Duration serviceTime, int slowEvery, Duration slowFirstToken, int cutEvery, int cutAfter) {

    /** Answers at once, none slow, none cut. */
    static final Settings NONE = new Settings(Duration.ZERO, 0, Duration.ZERO, 0, 0);

    Settings {
      Objects.requireNonNull(serviceTime, "serviceTime");
      Objects.requireNonNull(slowFirstToken, "slowFirstToken");
      if (serviceTime.isNegative() || slowFirstToken.isNegative()) {
        throw new IllegalArgumentException("a time must not be negative");
      }
      if (slowEvery < 0 || cutEvery < 0 || cutAfter < 0) {
        throw new IllegalArgumentException("a count must not be negative");
      }
    }
  }

  private volatile Settings settings = Settings.NONE;
  private final AtomicInteger streams = new AtomicInteger(); // since slowFirstToken was set
  private final AtomicInteger uncut = new AtomicInteger(); // continuing nothing, since cutStreams
  private final AtomicInteger cuts = new AtomicInteger();

  Settings settings() {
    return settings;
  }

  synchronized void serviceTime(Duration d) {
    Settings s = settings;
    settings = new Settings(d, s.slowEvery(), s.slowFirstToken(), s.cutEvery(), s.cutAfter());
  }

  synchronized void slowFirstToken(int every, Duration d) {
    Settings s = settings;
    settings = new Settings(s.serviceTime(), every, d, s.cutEvery(), s.cutAfter());
    streams.set(0);
  }

  synchronized void cutStreams(int every, int after) {
    Settings s = settings;
    settings = new Settings(s.serviceTime(), s.slowEvery(), s.slowFirstToken(), every, after);
    uncut.set(0);
  }

  /** Returns how many streams were cut. */
  int cuts() {
    return cuts.get();
  }

  /**
   * Returns {@code answer}, the answer to a chat call that reached the model, as this replica
   * serves it: with its service time, a slow first chunk, or cut.
   *
   * @param read the request the model read (Kimi's form), to tell a continuation
   */
  FakeResponse serve(JsonObject read, FakeResponse answer) {
    Settings s = settings;
    if (answer.status() != 200 || answer.file() != null) {
      return answer;
    }
    if (!answer.streamed()) {
      return s.serviceTime().isZero()
          ? answer
          : answer.withHeadersDelay(answer.headersDelay().plus(s.serviceTime()));
    }
    Duration first = s.serviceTime();
    if (s.slowEvery() > 0 && streams.incrementAndGet() % s.slowEvery() == 0) {
      first = s.slowFirstToken();
    }
    int cutAfter = -1;
    if (s.cutEvery() > 0
        && !FakeContinuation.continues(read)
        && uncut.incrementAndGet() % s.cutEvery() == 0) {
      cutAfter = s.cutAfter();
    }
    if (first.isZero() && cutAfter < 0) {
      return answer;
    }
    return answer.withParts(reparted(answer.parts(), first, cutAfter));
  }

  /**
   * The parts of a stream one event each, the first data event after {@code first} more, and after
   * the {@code cutAfter}-th event carrying output (when not negative) a closed connection instead
   * of the rest; each part's own pause stays before its first event.
   */
  private List<FakeResponse.Part> reparted(
      List<FakeResponse.Part> parts, Duration first, int cutAfter) {
    List<FakeResponse.Part> out = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    boolean firstData = true;
    int outputs = 0;
    for (FakeResponse.Part p : parts) {
      if (p.bytes() == FakeResponse.DROP) {
        out.add(p); // a fault of its own stays one
        return out;
      }
      Duration pause = p.pauseBefore();
      pending.append(new String(p.bytes(), StandardCharsets.UTF_8).replace("\r\n", "\n"));
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String event = pending.substring(0, end + 2);
        pending.delete(0, end + 2);
        String data = SseTranslator.data(event);
        if (data != null && firstData) {
          pause = pause.plus(first);
          firstData = false;
        }
        out.add(new FakeResponse.Part(pause, event.getBytes(StandardCharsets.UTF_8)));
        pause = Duration.ZERO;
        JsonObject chunk = FakeDialect.chunk(data);
        if (cutAfter >= 0
            && chunk != null
            && FakeDialect.hasOutput(chunk)
            && ++outputs >= cutAfter) {
          cuts.incrementAndGet();
          out.add(new FakeResponse.Part(Duration.ZERO, FakeResponse.DROP));
          return out;
        }
      }
    }
    if (pending.length() > 0) {
      out.add(
          new FakeResponse.Part(
              Duration.ZERO, pending.toString().getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }
}
