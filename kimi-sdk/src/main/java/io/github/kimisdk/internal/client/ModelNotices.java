package io.github.kimisdk.internal.client;

import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The warnings one client logs about the model ids it is asked to send, once per id, before the
 * first call with it (or earlier, when a framework asks at start-up: {@link #now}): an id its table
 * marks retired (when, and what to use instead), and an id its table does not hold (with the
 * nearest ids it does). Neither refuses anything: the request is sent as asked, since a proxy may
 * serve a retired id and the table can lag Kimi.
 *
 * <p>Thread model: {@link #before} runs on any caller's thread; the set of ids already warned about
 * is concurrent, so two first calls at once log one warning. It holds at most {@link #MAX_IDS} ids
 * (they come from the caller, but a program that makes up ids must not grow it without end); beyond
 * that, further ids are not warned about.
 */
public final class ModelNotices {

  /** The most ids one client remembers having warned about. */
  static final int MAX_IDS = 1_000;

  private final ModelCatalog catalog;
  private final System.Logger log;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  ModelNotices(ModelCatalog catalog, System.Logger log) {
    this.catalog = catalog;
    this.log = log;
  }

  /**
   * Warns about {@code model}, as the client's table describes it, if it is retired or not in the
   * table and this client has not warned about it yet.
   *
   * @return whether a warning was logged now
   */
  boolean before(ModelInfo model) {
    String id = model.id();
    if (model.known() && model.retirement().isEmpty()) {
      return false; // the common case: no set lookup, no allocation
    }
    if (warned.size() >= MAX_IDS || !warned.add(id)) {
      return false;
    }
    Optional<String> warning = catalog.warning(id);
    warning.ifPresent(w -> log.log(Level.WARNING, w + " (logged once per client and model)"));
    return warning.isPresent();
  }

  /**
   * Warns about {@code id} now, as {@link #before} would before its first call, for a framework
   * that knows its model when it starts; the first call then does not repeat it.
   *
   * @return whether a warning was logged now
   */
  boolean now(String id) {
    return before(catalog.lookup(id));
  }
}
