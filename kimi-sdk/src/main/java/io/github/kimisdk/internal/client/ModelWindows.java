package io.github.kimisdk.internal.client;

import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.base.flow.LazyLogger;
import io.github.kimisdk.internal.chain.Call;
import io.github.kimisdk.internal.credential.Tenant;
import io.github.kimisdk.internal.platform.PlatformCodec;
import io.github.kimisdk.model.ListedModel;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * The context windows a client's preflight learns from {@code GET /models} for the models its table
 * does not know, so that it never refuses one on a window the table only assumed. The list is asked
 * for once per client, by the first preflight that meets an unknown id, and kept, failure included:
 * a model added to the account later is learned by a new client (or a table updated with {@code
 * models().list()}). A model the list does not hold, or a list that could not be had, leaves the
 * request unchecked, and says so once per model on {@value #LOGGER}.
 *
 * <p>Thread model: any caller thread. The one listing is a future set once ({@code compareAndSet});
 * the caller that sets it sends the request, every caller waits for the same future on its own
 * thread (the preflight of an asynchronous call too, as the rest of its preparation runs there).
 * {@code reported} is a concurrent set, bounded.
 */
public final class ModelWindows {

  /** The logger that says a window could not be checked: {@value}. */
  static final String LOGGER = "io.github.kimisdk.preflight";

  /** Where the line goes; tests swap it. */
  static volatile System.Logger log = LazyLogger.of(LOGGER);

  /** The most model ids said to be unchecked; the ids come from the caller's requests. */
  private static final int MAX_REPORTED = 256;

  private final ModelCatalog catalog;
  private final Exchanges exchanges;
  private final BiFunction<RequestOptions, Tenant, Call> calls; // a listing's own call settings
  private final AtomicReference<CompletableFuture<List<ListedModel>>> listing =
      new AtomicReference<>();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  ModelWindows(
      ModelCatalog catalog, Exchanges exchanges, BiFunction<RequestOptions, Tenant, Call> calls) {
    this.catalog = catalog;
    this.exchanges = exchanges;
    this.calls = calls;
  }

  /**
   * Returns the entry the preflight budget checks {@code model} against: {@code model} itself when
   * its window is stated (the table knows the model, or its entry sets a window); else the entry
   * {@code GET /models} gives it, window included; else {@code model}, still unknown, which the
   * budget does not refuse.
   *
   * @param model the entry of the client's table, known or not
   * @param call the chat call, whose options the listing is sent with
   */
  ModelInfo forBudget(ModelInfo model, Call call) {
    if (model.windowKnown()) {
      return model;
    }
    String why;
    try {
      List<ListedModel> listed = list(call).get();
      for (ListedModel m : listed) {
        if (m.id().equals(model.id()) && m.contextLength() != null && m.contextLength() > 0) {
          return catalog.updated(List.of(m)).lookup(model.id());
        }
      }
      why = "GET /models does not list it with a context_length";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "the thread was interrupted while GET /models was awaited";
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      why = "GET /models failed (" + cause.getMessage() + ")";
    }
    report(model.id(), why);
    return model;
  }

  private CompletableFuture<List<ListedModel>> list(Call call) {
    CompletableFuture<List<ListedModel>> f = listing.get();
    if (f != null) {
      return f;
    }
    CompletableFuture<List<ListedModel>> mine = new CompletableFuture<>();
    if (!listing.compareAndSet(null, mine)) {
      return listing.get();
    }
    try {
      exchanges
          .platform(
              calls.apply(call.options(), call.tenant()),
              "GET",
              "models",
              null,
              null,
              true,
              (md, b) -> PlatformCodec.decodeModels(b))
          .whenComplete(
              (models, e) -> {
                if (e != null) {
                  mine.completeExceptionally(e);
                } else {
                  mine.complete(models);
                }
              });
    } catch (RuntimeException e) {
      mine.completeExceptionally(e); // refused before sending (a Messages client, for one)
    }
    return mine;
  }

  private void report(String model, String why) {
    if (reported.size() < MAX_REPORTED && reported.add(model)) {
      log.log(
          System.Logger.Level.WARNING,
          () ->
              "Preflight could not check the context window of "
                  + model
                  + ": the client's model table does not know it and "
                  + why
                  + "; the request is sent unchecked (add the model with"
                  + " KimiClient.Builder.catalog(ModelCatalog.defaults().with(...)) to check it)");
    }
  }
}
