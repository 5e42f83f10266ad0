package io.github.kimisdk.host.access;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Opens a client's targets to its host check. The client's class hands its door here once, as it
 * loads (as the JDK's own packages hand theirs to each other), so the door is open before any
 * client exists; a host check reaches a client's targets through {@link #verify} alone. The client
 * is named {@code Object} here so that this package, below the root, does not use the root's client
 * (the client's class checks what it is given). On the module path the package is exported to
 * {@code io.github.kimisdk.hostcheck} alone.
 */
public final class Probes {

  /** A client's side of the door: its targets, each checked by what the check gives. */
  @FunctionalInterface
  public interface Door {
    /**
     * Checks each target of {@code client} with {@code check}, all at once.
     *
     * @param client the client, a {@code KimiClient}
     * @param model Kimi's id of the model checked where a target names none
     * @param bound each request's bound when the client's options set no timeout
     * @param check one target's check
     * @return what each target's check completed with, one per target in order, handed out with the
     *     caller's context
     */
    CompletableFuture<List<Object>> verify(
        Object client,
        String model,
        Duration bound,
        Function<TargetProbe, ? extends CompletableFuture<?>> check);
  }

  private static volatile Door door;

  private Probes() {}

  /**
   * Takes the client's door; the first call wins, later ones are ignored.
   *
   * @param d the door
   */
  public static void open(Door d) {
    synchronized (Probes.class) {
      if (door == null) {
        door = Objects.requireNonNull(d, "door");
      }
    }
  }

  /**
   * Checks each target of {@code client} with {@code check}, all at once: the client's own target
   * first, then its replicas and fallbacks, each probe sending once (no retries) with the client's
   * options.
   *
   * @param client the client, a {@code KimiClient}
   * @param model Kimi's id of the model checked where a target names none
   * @param bound each request's bound when the client's options set no timeout
   * @param check one target's check; it never fails
   * @param <R> a check's result
   * @return the results, one per target in order
   * @throws IllegalArgumentException when {@code model} is blank or {@code client} is not a client
   * @throws IllegalStateException when the client is closed
   */
  public static <R> CompletableFuture<List<R>> verify(
      Object client,
      String model,
      Duration bound,
      Function<TargetProbe, CompletableFuture<R>> check) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(bound, "bound");
    Objects.requireNonNull(check, "check");
    Door d = door;
    if (d == null) { // no client's class was loaded: what is given is none
      throw new IllegalArgumentException("not a KimiClient: " + client.getClass().getName());
    }
    @SuppressWarnings("unchecked") // each element is what one of check's futures completed with
    CompletableFuture<List<R>> results =
        (CompletableFuture<List<R>>) (CompletableFuture<?>) d.verify(client, model, bound, check);
    return results;
  }
}
