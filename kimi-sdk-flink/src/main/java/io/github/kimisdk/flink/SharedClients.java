package io.github.kimisdk.flink;

import io.github.kimisdk.KimiClient;
import java.util.HashMap;
import java.util.Map;

/**
 * The clients of one JVM, one per endpoint, key and client settings ({@link
 * ModelSettings#clientKey()}), shared by every subtask that uses them and closed with the last:
 * subtasks on a TaskManager then share one connection pool and one rate limit. (Per class loader:
 * with the provider in Flink's {@code lib/}, every job of the TaskManager shares them; in a job's
 * jar, each job has its own.)
 *
 * <p>Thread model: {@link #acquire} and {@link #release} are called from each subtask's {@code
 * open} and {@code close}, on task threads; every field is guarded by the class's lock ({@code
 * synchronized static}). A client is built and closed under the lock, which costs the few
 * milliseconds of building it (Redis connects lazily).
 */
final class SharedClients {

  /** A client, how many subtasks hold it, and what closes with it (the Redis connection). */
  private static final class Entry {
    final KimiClient client;
    final AutoCloseable resource; // null: nothing
    int holders;

    Entry(KimiClient client, AutoCloseable resource) {
      this.client = client;
      this.resource = resource;
    }
  }

  private static final Map<String, Entry> CLIENTS = new HashMap<>(); // guarded by the class

  private SharedClients() {}

  /** Returns the JVM's client for {@code settings}, building it for the first holder. */
  static synchronized KimiClient acquire(ModelSettings settings) {
    Entry e = CLIENTS.get(settings.clientKey());
    if (e == null) {
      AutoCloseable resource = null;
      io.github.kimisdk.RateLimitStore store = null;
      if (settings.redis() != null) {
        RedisBudget budget = RedisBudget.open(settings);
        store = budget.store();
        resource = budget;
      }
      try {
        e = new Entry(settings.clientBuilder(store).build(), resource);
      } catch (RuntimeException failure) {
        closeQuietly(resource, failure);
        throw failure;
      }
      CLIENTS.put(settings.clientKey(), e);
    }
    e.holders++;
    return e.client;
  }

  /** Releases one hold of {@code settings}' client, closing it with the last. */
  static synchronized void release(ModelSettings settings) {
    String key = settings.clientKey();
    Entry e = CLIENTS.get(key);
    if (e == null || --e.holders > 0) {
      return;
    }
    CLIENTS.remove(key);
    RuntimeException failure = null;
    try {
      e.client.close();
    } catch (RuntimeException closing) {
      failure = closing;
    }
    closeQuietly(e.resource, failure);
    if (failure != null) {
      throw failure;
    }
  }

  /** {@return how many subtasks hold the client of {@code settings}; 0 when none is open} */
  static synchronized int holders(ModelSettings settings) {
    Entry e = CLIENTS.get(settings.clientKey());
    return e == null ? 0 : e.holders;
  }

  /** {@return how many clients are open in this JVM} */
  static synchronized int open() {
    return CLIENTS.size();
  }

  private static void closeQuietly(AutoCloseable resource, RuntimeException failure) {
    if (resource == null) {
      return;
    }
    try {
      resource.close();
    } catch (Exception e) {
      if (failure != null) {
        failure.addSuppressed(e);
      }
    }
  }
}
