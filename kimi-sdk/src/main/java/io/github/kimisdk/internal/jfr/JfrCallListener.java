package io.github.kimisdk.internal.jfr;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.Usage;
import java.time.Duration;

/**
 * Records a {@link KimiCallEvent} for every call that ends or fails, when a recording enables it.
 * It links against Flight Recorder: only {@link Jfr#listener()} creates it, once it knows the
 * module {@code jdk.jfr} is present.
 */
final class JfrCallListener implements CallListener {

  JfrCallListener() {}

  /**
   * Tells whether a running recording enables the event: a cheap check, made per call. Until Flight
   * Recorder is initialized no recording can run (every recording, whether from the command line,
   * {@code jcmd}, JMX or the API, initializes it first, and it never goes back), so the event class
   * is neither loaded nor registered: both cost a tenth of a second or more of a fresh JVM.
   */
  static boolean enabled() {
    return jdk.jfr.FlightRecorder.isInitialized() && Type.TYPE.isEnabled();
  }

  /** Holds the event's type, resolved on first use: after Flight Recorder is initialized. */
  private static final class Type {
    static final jdk.jfr.EventType TYPE = jdk.jfr.EventType.getEventType(KimiCallEvent.class);
  }

  @Override
  public void onEnd(CallEvent.End e) {
    KimiCallEvent j = new KimiCallEvent();
    if (!j.isEnabled()) {
      return;
    }
    fill(j, e.call(), e.attempts(), e.duration(), e.metadata(), "ok");
    if (e.finishReason() != null) {
      j.finishReason = e.finishReason().toString();
    }
    Usage u = e.usage();
    if (u != null) {
      j.inputTokens = u.promptTokens();
      j.cachedTokens = u.cachedTokens() == null ? 0 : u.cachedTokens();
      j.outputTokens = u.completionTokens();
    }
    if (e.cost() != null) {
      j.cost = e.cost().total().toPlainString() + " " + e.cost().currency().getCurrencyCode();
    }
    if (e.timeToFirstChunk() != null) {
      j.timeToFirstChunk = e.timeToFirstChunk().toNanos();
    }
    j.commit();
  }

  @Override
  public void onFailure(CallEvent.Failure e) {
    KimiCallEvent j = new KimiCallEvent();
    if (!j.isEnabled()) {
      return;
    }
    fill(
        j,
        e.call(),
        e.attempts(),
        e.duration(),
        e.failure().metadata().orElse(null),
        e.failure().getClass().getSimpleName());
    j.commit();
  }

  private static void fill(
      KimiCallEvent j,
      CallEvent.Call call,
      int attempts,
      Duration duration,
      ResponseMetadata md,
      String outcome) {
    j.callId = call.id();
    j.operation = call.operation().name();
    j.model = call.model();
    j.endpoint = call.path();
    j.attempts = attempts;
    j.callDuration = duration.toNanos();
    j.outcome = outcome;
    if (md != null) {
      j.status = md.statusCode();
      j.requestId = md.requestId().orElse(null);
    }
  }
}
