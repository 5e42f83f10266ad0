package io.github.kimisdk.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One call of the SDK as Flight Recorder records it, when it ends or fails: never the key, never
 * message contents. Committed by {@link JfrCallListener}.
 */
@Name(KimiCallEvent.NAME)
@Label("Kimi Call")
@Category("Kimi SDK")
@Description("A call to Kimi: model, endpoint, attempts, status, tokens, cost and timings")
@StackTrace(false)
public final class KimiCallEvent extends Event {

  /** The event's name. */
  public static final String NAME = "io.github.kimisdk.Call";

  @Label("Call Id")
  @Description("The SDK's number of the call, unique within the process")
  long callId;

  @Label("Operation")
  @Description("CHAT, CHAT_STREAM, REQUEST, REQUEST_EVENTS or PLATFORM")
  String operation;

  @Label("Model")
  String model;

  @Label("Endpoint")
  @Description("The path below the base URL, such as chat/completions")
  String endpoint;

  @Label("Attempts")
  int attempts;

  @Label("Status")
  @Description("The HTTP status of the last response; 0 when none came")
  int status;

  @Label("Request Id")
  String requestId;

  @Label("Outcome")
  @Description("ok, or the simple class name of the failure")
  String outcome;

  @Label("Finish Reason")
  String finishReason;

  @Label("Input Tokens")
  @Description("Prompt tokens, cached ones included")
  long inputTokens;

  @Label("Cached Input Tokens")
  long cachedTokens;

  @Label("Output Tokens")
  @Description("Completion tokens, reasoning included")
  long outputTokens;

  @Label("Cost")
  @Description("What the usage cost at the client's prices, exact, with its currency")
  String cost;

  @Label("Time To First Chunk")
  @Timespan(Timespan.NANOSECONDS)
  long timeToFirstChunk;

  @Label("Call Duration")
  @Timespan(Timespan.NANOSECONDS)
  long callDuration;
}
