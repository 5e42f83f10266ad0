package io.github.kimisdk.flink;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.flink.KimiOptions.ErrorHandlingStrategy;
import io.github.kimisdk.flink.KimiOptions.RetryFallbackStrategy;
import io.github.kimisdk.model.Cost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * The {@code kimi} provider's predict function: one chat call per input row, asynchronous, on the
 * JVM's shared {@link KimiClient}. Each choice of the reply is an output row; a failed row is
 * handled as the model's options say, and is never dropped without a row:
 *
 * <ul>
 *   <li>Kimi's rate-limit 429 ({@code rate_limit_reached_error}) is waited out, as long as it says
 *       (or 1 s doubling up to 60 s), and sent again without counting as a retry: backpressure,
 *       never a lost row (Flink's {@code table.exec.async-ml-predict.timeout} bounds a row).
 *   <li>An error that can succeed on retry (5xx, an overloaded engine, a connection failure or
 *       timeout) is retried up to {@code retry-num} times under {@code retry}, with backoff.
 *   <li>An error that cannot succeed ({@code exceeded_current_quota_error}, any other 4xx, a reply
 *       that does not fit the OUTPUT columns) is never retried, whatever {@code retry-num} says.
 *   <li>Then {@code failover} fails the job with Kimi's error (its type, request id and what to
 *       do), and {@code ignore} emits the row with {@code error-string} (ending with the request
 *       id, when the server sent one) and {@code http-status-code} filled, and, for a reply that
 *       does not fit, the call's usage and cost: it was billed.
 * </ul>
 *
 * <p>Created by {@link KimiModelProvider} when a statement is planned, serialized into the job, and
 * opened on each subtask. Thread model: {@code open} and {@code close} run on the task thread;
 * {@code asyncPredict} runs on the task thread and its futures complete on the client's threads;
 * the only mutable field, {@code client}, is written in {@code open} and {@code close}.
 */
public final class KimiPredictFunction extends AsyncPredictFunction {

  private static final long serialVersionUID = 1L;
  private static final RetryPolicy JUDGE = RetryPolicy.defaults();
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);
  private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
  private static final Duration MAX_PAUSE = Duration.ofSeconds(60);

  private final ModelSettings settings;
  private final OutputLayout layout;
  private transient volatile KimiClient client;

  KimiPredictFunction(ModelSettings settings, OutputLayout layout) {
    this.settings = settings;
    this.layout = layout;
  }

  /**
   * Takes the JVM's shared client for this model's endpoint, key and settings.
   *
   * @param context the function's context
   * @throws Exception if the client cannot be built (no key in the environment, for one)
   */
  @Override
  public void open(FunctionContext context) throws Exception {
    super.open(context);
    client = SharedClients.acquire(settings);
    client.warnAboutModel(settings.model);
  }

  /**
   * Sends the row's prompt and returns its rows: one per choice, or one carrying the error.
   *
   * @param input the input row, its one column the prompt
   * @return the output rows
   */
  @Override
  public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
    if (input.isNullAt(0)) {
      return done(new Failure("the prompt is null: no request was sent", null, null, null, null));
    }
    ChatRequest request = settings.request(input.getString(0).toString(), layout);
    return attempt(request, 0, 0);
  }

  private CompletableFuture<Collection<RowData>> attempt(
      ChatRequest request, int retries, int pauses) {
    return client
        .chatAsync(request)
        .handle(
            (reply, failure) -> {
              if (failure == null) {
                return rows(request, reply);
              }
              KimiException k = kimi(failure);
              if (k instanceof RateLimitException r) {
                Duration wait = r.retryAfter().orElse(grow(FIRST_PAUSE, MAX_PAUSE, pauses));
                return later(wait, () -> attempt(request, retries, pauses + 1));
              }
              if (settings.errorHandling == ErrorHandlingStrategy.RETRY
                  && retries < settings.retryNum
                  && JUDGE.isRetryable(k)) {
                Duration wait = jitter(grow(FIRST_BACKOFF, MAX_BACKOFF, retries));
                return later(wait, () -> attempt(request, retries + 1, pauses));
              }
              return done(
                  new Failure(
                      withRequestId(k.getMessage(), k.requestId()),
                      k instanceof ApiException a ? a.status() : null,
                      k,
                      null,
                      null));
            })
        .thenCompose(f -> f);
  }

  /**
   * The rows of a reply: one per choice, or, when a choice does not fit the OUTPUT columns, the
   * row's failure, which keeps the call's usage and cost (the call was answered and billed).
   */
  private CompletableFuture<Collection<RowData>> rows(ChatRequest request, ChatCompletion reply) {
    Usage usage = reply.usage();
    Cost cost = null;
    if (usage != null) {
      String model =
          reply.model() == null || reply.model().isBlank() ? request.model() : reply.model();
      cost = client.prices().cost(model, usage).orElse(null);
    }
    List<RowData> out = new ArrayList<>(reply.choices().size());
    try {
      for (Choice c : reply.choices()) {
        out.add(layout.success(c.text(), usage, cost, out.isEmpty()));
      }
    } catch (OutputLayout.ReplyMismatchException e) {
      ResponseMetadata response = reply.metadata();
      Optional<String> id = response == null ? Optional.empty() : response.requestId();
      return done(new Failure(withRequestId(e.getMessage(), id), 200, null, usage, cost));
    }
    return CompletableFuture.completedFuture(out);
  }

  /**
   * {@code message} ending with the request id to quote to Moonshot's support, as the SDK's
   * messages end ({@code [request id ...]}), unless it names it already.
   */
  private static String withRequestId(String message, Optional<String> requestId) {
    if (requestId.isEmpty() || message.contains(requestId.get())) {
      return message;
    }
    return message + " [request id " + OutputLayout.escape(requestId.get(), 128) + "]";
  }

  /**
   * A row's final failure: its message (the SDK's, key redacted, with the request id), HTTP status
   * and cause, and the call's usage and cost when it was answered (else null).
   */
  private record Failure(
      String message, Integer status, KimiException cause, Usage usage, Cost cost) {}

  private CompletableFuture<Collection<RowData>> done(Failure f) {
    ErrorHandlingStrategy strategy =
        settings.errorHandling == ErrorHandlingStrategy.RETRY
            ? (settings.retryFallback == RetryFallbackStrategy.IGNORE
                ? ErrorHandlingStrategy.IGNORE
                : ErrorHandlingStrategy.FAILOVER)
            : settings.errorHandling;
    if (strategy == ErrorHandlingStrategy.IGNORE) {
      return CompletableFuture.completedFuture(
          List.of(layout.failure(f.message(), f.status(), f.usage(), f.cost())));
    }
    return CompletableFuture.failedFuture(
        new IllegalStateException(
            "Kimi failed a row of ML_PREDICT with model '"
                + settings.model
                + "', and the model's error-handling-strategy fails the job ("
                + (settings.errorHandling == ErrorHandlingStrategy.RETRY
                    ? "retry, then retry-fallback-strategy failover"
                    : "failover")
                + "; 'ignore' would emit the row with its error columns): "
                + f.message(),
            f.cause()));
  }

  private static KimiException kimi(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof KimiException k) {
      return k;
    }
    if (t instanceof RuntimeException r) {
      throw r; // not a call's failure: a defect, which fails the job
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(t);
  }

  private static CompletableFuture<Collection<RowData>> later(
      Duration wait, java.util.function.Supplier<CompletableFuture<Collection<RowData>>> next) {
    return CompletableFuture.supplyAsync(
            next, CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS))
        .thenCompose(f -> f);
  }

  private static Duration grow(Duration first, Duration max, int n) {
    Duration d = first.multipliedBy(1L << Math.min(n, 16));
    return d.compareTo(max) > 0 ? max : d;
  }

  private static Duration jitter(Duration d) {
    long ms = d.toMillis();
    return Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
  }

  /**
   * Releases this subtask's hold of the shared client; the last holder closes it.
   *
   * @throws Exception if closing fails
   */
  @Override
  public void close() throws Exception {
    KimiClient c = client;
    client = null;
    if (c != null) {
      SharedClients.release(settings);
    }
    super.close();
  }

  /** {@return the model and endpoint, never the key} */
  @Override
  public String toString() {
    return "KimiPredictFunction(" + settings + ")";
  }
}
