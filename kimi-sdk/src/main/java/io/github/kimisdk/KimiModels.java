package io.github.kimisdk;

import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.client.ClientScope;
import io.github.kimisdk.model.ListedModel;
import io.github.kimisdk.model.ModelCatalog;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The models the key can use ({@code /models}), reached through {@link KimiClient#models()}.
 *
 * <pre>{@code
 * for (ListedModel m : kimi.models().list()) {
 *   System.out.println(m.id() + ": " + m.contextLength() + " tokens");
 * }
 * ModelCatalog mine = kimi.catalog().updated(kimi.models().list()); // for Builder.catalog(...)
 * }</pre>
 *
 * <p>Each operation has a blocking form, which throws a {@link KimiException}, and an {@code
 * ...Async} form, whose future completes exceptionally with one (cancelling it aborts the
 * exchange). Settings of a call's own come from a derived client ({@link
 * KimiClient#withOptions(RequestOptions)}).
 */
public final class KimiModels {

  private final ClientScope scope;

  KimiModels(ClientScope scope) {
    this.scope = scope;
  }

  /**
   * Lists the models the key can use ({@code GET /models}), with their context windows and
   * capabilities where the server states them. {@code catalog.updated(kimi.models().list())}
   * returns a {@link ModelCatalog} that knows them, for {@link
   * KimiClient.Builder#catalog(ModelCatalog)}.
   *
   * @return the models, in the server's order
   * @throws KimiException if the call fails
   * @throws IllegalStateException if the client is closed
   */
  public List<ListedModel> list() {
    return scope.await(listAsync());
  }

  /**
   * Lists the models without blocking (see {@link #list()}).
   *
   * @return the future models
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<List<ListedModel>> listAsync() {
    return scope.listModels();
  }
}
