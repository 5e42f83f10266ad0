package io.github.kimisdk.internal.chain;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.jfr.Jfr;
import io.github.kimisdk.internal.limit.SpendMeter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who hears a client's calls: its listeners, Flight Recorder's while a recording wants its event,
 * and each call's own; with the prices and the endpoint their events name. What the listening layer
 * ({@link Observing}) is built with. Immutable but for the last endpoint it made, a cache.
 */
public final class Listening {

  private final List<CallListener> listeners; // the client's
  private final CallListener jfr; // Flight Recorder's, or null without jdk.jfr
  private final SpendMeter prices; // its table is made only when a call is traced
  private final URI endpoint;
  // The last path's endpoint, kept because a client mostly calls one path (as the transport keeps
  // its URI): parsing it again took about 4 µs of the caller's thread a traced call.
  private volatile Map.Entry<String, URI> last;

  public Listening(List<CallListener> listeners, SpendMeter prices, URI endpoint) {
    this.listeners = List.copyOf(listeners);
    this.jfr = Jfr.listener();
    this.prices = prices;
    this.endpoint = endpoint;
  }

  /**
   * Returns the trace of a call (its listeners, the client's, Flight Recorder's and the call's), or
   * null when nobody listens; {@code sent} is a chat's request as sent, which they see, and {@code
   * id} the call's one id, which its interceptors see too; they hear it in {@code caller}'s
   * context.
   */
  CallTrace traced(
      List<CallListener> callOwn,
      CallEvent.Operation operation,
      String model,
      String path,
      Long estimate,
      ChatRequest sent,
      long id,
      CallerContext caller) {
    // Flight Recorder's listener hears only calls that start while a recording wants its event
    boolean recording = jfr != null && Jfr.recording();
    List<CallListener> all;
    if (callOwn.isEmpty() && !recording) {
      all = listeners;
    } else {
      all = new ArrayList<>(listeners.size() + callOwn.size() + 1);
      all.addAll(listeners);
      if (recording) {
        all.add(jfr);
      }
      all.addAll(callOwn);
    }
    if (all.isEmpty()) { // nobody listens: the trace's class stays unloaded
      return null;
    }
    return new CallTrace(
        all, operation, model, path, estimate, prices.prices(), endpoint(path), sent, id, caller);
  }

  /** The URI of {@code path} below the client's base URL, as the call's events name it. */
  private URI endpoint(String path) {
    Map.Entry<String, URI> l = last;
    if (l != null && l.getKey().equals(path)) {
      return l.getValue();
    }
    URI uri = CallTrace.endpoint(endpoint, path);
    last = Map.entry(path, uri);
    return uri;
  }
}
