package io.github.kimisdk.internal.client;

import io.github.kimisdk.KimiException;
import io.github.kimisdk.KimiResponse;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.math.BigDecimal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/** Blocking waits and JSON decoding shared by the platform endpoints (files, balance, batches). */
public final class PlatformCalls {

  private PlatformCalls() {}

  /** Waits for a future, mapping every failure to a {@link KimiException}. */
  public static <T> T await(CompletableFuture<T> f, ErrorFactory errors) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw errors.failure(e, null, null);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw errors.failure(e, null, null);
    }
  }

  /**
   * Decodes a platform response without blocking. The result completes exceptionally with the
   * {@link KimiException} itself (not wrapped); cancelling it cancels {@code f}.
   */
  public static <R, T> CompletableFuture<T> map(
      CompletableFuture<R> f, Function<R, T> decode, ErrorFactory errors) {
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete(
        (r, e) -> {
          if (e != null) {
            out.completeExceptionally(errors.failure(e, null, null));
            return;
          }
          try {
            out.complete(decode.apply(r));
          } catch (RuntimeException d) {
            out.completeExceptionally(errors.failure(d, null, null));
          }
        });
    out.whenComplete(
        (r, e) -> {
          if (out.isCancelled()) {
            f.cancel(true);
          }
        });
    return out;
  }

  /**
   * Runs {@code next} on the result of {@code f} without blocking; failures and cancellation as in
   * {@link #map}.
   */
  public static <R, T> CompletableFuture<T> compose(
      CompletableFuture<R> f, Function<R, CompletableFuture<T>> next, ErrorFactory errors) {
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete(
        (r, e) -> {
          if (e != null) {
            out.completeExceptionally(errors.failure(e, null, null));
            return;
          }
          CompletableFuture<T> g;
          try {
            g = next.apply(r);
          } catch (RuntimeException d) {
            out.completeExceptionally(errors.failure(d, null, null));
            return;
          }
          out.whenComplete(
              (x, y) -> {
                if (out.isCancelled()) {
                  g.cancel(true);
                }
              });
          g.whenComplete(
              (x, y) -> {
                if (y != null) {
                  out.completeExceptionally(errors.failure(y, null, null));
                } else {
                  out.complete(x);
                }
              });
        });
    out.whenComplete(
        (r, e) -> {
          if (out.isCancelled()) {
            f.cancel(true);
          }
        });
    return out;
  }

  /** Parses a 2xx body as a JSON object, or fails with a decoding error naming {@code what}. */
  public static JsonObject object(KimiResponse<byte[]> r, ErrorFactory errors, String what) {
    byte[] b = r.value();
    try {
      if (Json.parse(b) instanceof JsonObject o) {
        return o;
      }
    } catch (RuntimeException e) {
      throw errors.decoding(r.metadata(), "The response is not " + what + " (malformed JSON)", e);
    }
    throw errors.decoding(
        r.metadata(), "The response is not " + what + " (not a JSON object)", null);
  }

  public static String string(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : null;
  }

  public static long number(JsonObject o, String name) {
    return o.get(name) instanceof JsonNumber n ? n.longValue() : 0;
  }

  public static BigDecimal decimal(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v instanceof JsonNumber n ? n.bigDecimalValue() : BigDecimal.ZERO;
  }
}
