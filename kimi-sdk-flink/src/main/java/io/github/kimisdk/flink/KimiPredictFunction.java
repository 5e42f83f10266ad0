package io.github.kimisdk.flink;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.flink.KimiOptions.ErrorHandlingStrategy;
import io.github.kimisdk.flink.KimiOptions.RetryFallbackStrategy;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.model.Cost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * The {@code kimi} provider's predict function: one chat call per input row, asynchronous, on the
 * JVM's shared {@link KimiClient}, and the call's reply or failure mapped to rows. Each choice of
 * the reply is an output row; a failed row is handled as the model's options say, and is never
 * dropped without a row. The client decides what is sent again, by the {@link RetryPolicy} the
 * options give ({@link ModelSettings#retryPolicy}), as for any caller of the SDK:
 *
 * <ul>
 *   <li>Kimi's rate-limit 429 ({@code rate_limit_reached_error}) and a host's refusal for its
 *       concurrency (Kimi's "max concurrency" 429, a 503 whose queue is full) are waited out and
 *       the call sent again without spending a retry, in every strategy, for up to Flink's timeout
 *       of a row ({@code table.exec.async-ml-predict.timeout}, or the query's {@code timeout}),
 *       which bounds the row anyway: backpressure, never a lost row.
 *   <li>An error that can succeed on retry (5xx, an overloaded engine, a connection failure or
 *       timeout) is retried up to {@code retry-num} times under {@code retry}, with the client's
 *       backoff; K3's base64url 400 once per call; each retry is a {@code CallEvent.Retry} to the
 *       client's listeners, and the final error carries the earlier ones as suppressed.
 *   <li>With fallback targets ({@code fallback.N.*}), an overloaded target moves the call to the
 *       next one, as the client's chain decides.
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
 * the mutable fields, {@code client} and {@code held}, are written in {@code open} and {@code
 * close}.
 */
public final class KimiPredictFunction extends AsyncPredictFunction {

  private static final long serialVersionUID = 1L;

  private final ModelSettings settings;
  private final OutputLayout layout;
  private final Duration rowTimeout;
  private transient volatile KimiClient client; // the shared client, with this model's policy
  private transient volatile boolean held; // whether this subtask holds a shared client

  KimiPredictFunction(ModelSettings settings, OutputLayout layout, Duration rowTimeout) {
    this.settings = settings;
    this.layout = layout;
    this.rowTimeout = rowTimeout;
  }

  /**
   * Takes the JVM's shared client for this model's host, key, fallback targets and limits.
   *
   * @param context the function's context
   * @throws Exception if the client cannot be built (no key in the environment, for one)
   */
  @Override
  public void open(FunctionContext context) throws Exception {
    super.open(context);
    KimiClient shared = SharedClients.acquire(settings);
    held = true;
    callThrough(shared);
  }

  /**
   * Sends this function's calls through {@code shared} with the model's retry policy: {@link #open}
   * gives it the JVM's shared client, a test a client of its own (with a listener).
   */
  void callThrough(KimiClient shared) {
    shared.warnAboutModel(settings.model);
    client = shared.withOptions(RequestOptions.builder().retryPolicy(retryPolicy()).build());
  }

  /** {@return the retry policy of this function's calls} */
  RetryPolicy retryPolicy() {
    return settings.retryPolicy(rowTimeout);
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
      return done(
          new Failure("the prompt is null: no request was sent", null, null, null, null, null));
    }
    ChatRequest request = settings.request(input.getString(0).toString(), layout);
    return client
        .chatAsync(request)
        .handle((reply, failure) -> failure == null ? rows(request, reply) : done(failure(failure)))
        .thenCompose(f -> f);
  }

  /** A call's final failure, as the client ended it, as a row's. */
  private static Failure failure(Throwable failure) {
    KimiException k = kimi(failure);
    return new Failure(
        withRequestId(k.getMessage(), k.requestId()),
        k instanceof ApiException a ? a.status() : null,
        k,
        null,
        null,
        k.metadata().map(KimiPredictFunction::target).orElse(null));
  }

  /** The place of the target that answered: 0, the model's own, or N of {@code fallback.N}. */
  private static Integer target(ResponseMetadata metadata) {
    ServedBy served = metadata.servedBy();
    return served == null ? 0 : served.target();
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
    ResponseMetadata response = reply.metadata();
    Integer servedBy = response == null ? null : target(response);
    List<RowData> out = new ArrayList<>(reply.choices().size());
    try {
      for (Choice c : reply.choices()) {
        out.add(layout.success(c.text(), usage, cost, servedBy, out.isEmpty()));
      }
    } catch (OutputLayout.ReplyMismatchException e) {
      Optional<String> id = response == null ? Optional.empty() : response.requestId();
      return done(new Failure(withRequestId(e.getMessage(), id), 200, null, usage, cost, servedBy));
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
   * and cause, the call's usage and cost when it was answered (else null), and the target that
   * answered last (null when none did).
   */
  private record Failure(
      String message,
      Integer status,
      KimiException cause,
      Usage usage,
      Cost cost,
      Integer servedBy) {}

  private CompletableFuture<Collection<RowData>> done(Failure f) {
    ErrorHandlingStrategy strategy =
        settings.errorHandling == ErrorHandlingStrategy.RETRY
            ? (settings.retryFallback == RetryFallbackStrategy.IGNORE
                ? ErrorHandlingStrategy.IGNORE
                : ErrorHandlingStrategy.FAILOVER)
            : settings.errorHandling;
    if (strategy == ErrorHandlingStrategy.IGNORE) {
      return CompletableFuture.completedFuture(
          List.of(layout.failure(f.message(), f.status(), f.usage(), f.cost(), f.servedBy())));
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

  /**
   * Releases this subtask's hold of the shared client; the last holder closes it.
   *
   * @throws Exception if closing fails
   */
  @Override
  public void close() throws Exception {
    client = null;
    if (held) {
      held = false;
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
