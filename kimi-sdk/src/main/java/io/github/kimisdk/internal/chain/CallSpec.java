package io.github.kimisdk.internal.chain;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.chat.ChatRequest;

/**
 * What one call is, decided once at the top of the {@link Chain} by the call shape that makes it
 * ({@link ChatCalls}, {@link Exchanges}) and heard by its listeners on the way down; what each
 * attempt adds below the retrier is an {@link Attempt} of its own.
 *
 * @param operation the kind of call
 * @param path the path below the base URL
 * @param model the model asked for, or null
 * @param request a chat's request as the client adapted it (Kimi's form), or null
 * @param settings the call's retrier, HTTP overrides, options and tenant
 * @param trace the call's listeners, or null before they were found or when nobody listens
 * @param blocking whether the thread that started the call waits for it anyway
 * @param interception the call's public interceptors, or null when it has none
 * @param legs a chat's request at each target, or null for other calls
 * @param context the caller's context, which every callback of the call runs in: set by the {@link
 *     Chain} when the call starts ({@link #carrying}); {@link CallerContext#NONE} before
 */
public record CallSpec(
    CallEvent.Operation operation,
    String path,
    String model,
    ChatRequest request,
    Call settings,
    CallTrace trace,
    boolean blocking,
    Interception interception,
    Leg.Legs legs,
    CallerContext context) {

  /**
   * Describes a call other than a chat, sent to the target its settings name ({@link
   * Call#target()}).
   *
   * @param operation the kind of call
   * @param path the path below the base URL
   * @param model the model its body names, or null
   * @param settings the call's settings
   * @param blocking whether its caller waits for it anyway
   * @return the call
   */
  public static CallSpec exchange(
      CallEvent.Operation operation, String path, String model, Call settings, boolean blocking) {
    return new CallSpec(
        operation, path, model, null, settings, null, blocking, null, null, CallerContext.NONE);
  }

  /**
   * Describes a chat call.
   *
   * @param operation {@code CHAT} or {@code CHAT_STREAM}
   * @param path the wire's chat path
   * @param request the request as adapted and checked, in Kimi's form
   * @param settings the call's settings
   * @param blocking whether its caller waits for it anyway
   * @param interception its public interceptors, or null
   * @param legs its request at each target
   * @return the call
   */
  public static CallSpec chat(
      CallEvent.Operation operation,
      String path,
      ChatRequest request,
      Call settings,
      boolean blocking,
      Interception interception,
      Leg.Legs legs) {
    return new CallSpec(
        operation,
        path,
        request.model(),
        request,
        settings,
        null,
        blocking,
        interception,
        legs,
        CallerContext.NONE);
  }

  /** Whether the call takes a concurrency slot: every call but the platform's. */
  boolean slot() {
    return operation != CallEvent.Operation.PLATFORM;
  }

  /** Returns this chat call sending {@code continued} in place of its request (a continuation). */
  CallSpec sending(ChatRequest continued) {
    return new CallSpec(
        operation, path, model, continued, settings, trace, blocking, interception, legs, context);
  }

  /** Returns this call heard by {@code heardBy} (null: nobody listens), with {@code heard}. */
  CallSpec heard(Call heard, CallTrace heardBy) {
    return new CallSpec(
        operation, path, model, request, heard, heardBy, blocking, interception, legs, context);
  }

  /** Returns this call running its callbacks in {@code caller}'s context. */
  CallSpec carrying(CallerContext caller) {
    return new CallSpec(
        operation, path, model, request, settings, trace, blocking, interception, legs, caller);
  }
}
