package io.github.kimisdk.host.access;

import io.github.kimisdk.Target;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.sse.EventStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One target of a client, as its host check sends to it: each request as the client sends a call to
 * that target (adapted to the model, translated by its host's dialect, with the target's key and
 * chain), sent once, each bounded by the client's timeouts and by {@link #bound()}. Made by {@link
 * Probes#verify}; the check's steps call it one at a time.
 */
public interface TargetProbe {

  /**
   * Returns the target checked.
   *
   * @return the target
   */
  Target target();

  /**
   * Returns the target's host, with the client's own endpoint for the client's own target.
   *
   * @return the host
   */
  Host host();

  /**
   * Returns the wire protocol the target speaks.
   *
   * @return the protocol
   */
  WireProtocol wireProtocol();

  /**
   * Returns whether requests to the target carry a key of the caller's.
   *
   * @return true when a key is sent
   */
  boolean sendsKey();

  /**
   * Returns each request's bound: the timeout of the client's options, else the check's default.
   *
   * @return the bound
   */
  Duration bound();

  /**
   * Returns the client's model table.
   *
   * @return the table
   */
  ModelCatalog catalog();

  /**
   * Returns the path of the chat completions wire's calls, relative to the base URL.
   *
   * @return the path
   */
  String chatPath();

  /**
   * Sends {@code GET /models}, once, bounded.
   *
   * @return the body of the answer; fails as the client's platform calls do
   */
  CompletableFuture<byte[]> models();

  /**
   * Sends {@code request} in the host's form (not streamed), once, bounded.
   *
   * @param request the request, in Kimi's form
   * @return the reply's JSON as the host sent it; fails as the client's calls do (a {@code
   *     PreflightException} when Kimi's rules refuse the request before it is sent)
   */
  CompletableFuture<JsonValue> chat(ChatRequest request);

  /**
   * Opens {@code request} in the host's form as a stream, once; the caller bounds and closes it.
   *
   * @param request the request, in Kimi's form, with {@code stream} set
   * @return the stream's events
   * @throws KimiException when the request cannot be sent
   */
  EventStream events(ChatRequest request);

  /**
   * Runs {@code task} after {@code delay} on the client's timer.
   *
   * @param task what to run
   * @param delay how long to wait
   * @return withdraws the task when it has not run yet
   */
  Runnable schedule(Runnable task, Duration delay);

  /**
   * Returns what a request fails with after {@link #bound()}, as the client's own timeout.
   *
   * @return the exception
   */
  KimiException timedOut();

  /**
   * Returns {@code error} as the client's calls fail: a {@link KimiException}.
   *
   * @param error what a request failed with
   * @return the exception
   */
  KimiException kimi(Throwable error);

  /**
   * Returns a host's text fit for a message: escaped, cut to {@code max} characters and with the
   * target's key redacted.
   *
   * @param text the host's text, or null
   * @param max the most characters kept
   * @return the text kept, or null for null
   */
  String keep(String text, int max);

  /**
   * Returns the ids of a {@code GET /models} listing.
   *
   * @param body the listing's body
   * @return the ids, in order
   * @throws RuntimeException when the body is not a listing
   */
  List<String> listedIds(byte[] body);

  /**
   * Says what a {@code GET /models} listing holds instead of the host's id {@code id}: its first
   * ids, kept as {@link #keep} keeps a host's text, and how many more.
   *
   * @param ids the listing's ids
   * @param id the host's id of the model
   * @return the sentence, as the client's own health check words it
   */
  String listsInstead(List<String> ids, String id);

  /**
   * Returns what {@code refusal} says of the host's capacity, as the client's retrier reads the
   * host's refusals.
   *
   * @param refusal the host's refusal
   * @return whether the host is busy, the account out of quota, or neither
   */
  Capacity capacity(ApiException refusal);

  /** What a refusal says of the host's capacity. */
  enum Capacity {
    /** Neither busy nor out of quota: the refusal is about the request. */
    FREE,
    /** The host is overloaded, or at its concurrency or rate limit. */
    BUSY,
    /** The account is out of quota. */
    QUOTA
  }
}
