package io.github.kimisdk.redis;

import java.util.Set;

/** The one rule, for every client, of which Redis error replies mean an outage. */
final class ServerReplies {

  /**
   * The codes of the error replies of a Redis that cannot serve now, though it may soon: no master
   * for the slot, a slot moving, a dataset loading, a replica's master down, a write to a replica
   * (the client still points at a demoted master), a script running too long, too few replicas to
   * write, a failed snapshot refusing writes, memory full.
   */
  static final Set<String> UNAVAILABLE =
      Set.of(
          "CLUSTERDOWN",
          "TRYAGAIN",
          "LOADING",
          "MASTERDOWN",
          "READONLY",
          "BUSY",
          "NOREPLICAS",
          "MISCONF",
          "OOM");

  private ServerReplies() {}

  /** Returns whether the error reply {@code message} (its code first) means an outage. */
  static boolean meanUnavailable(String message) {
    if (message == null) {
      return false;
    }
    int end = message.indexOf(' ');
    return UNAVAILABLE.contains(end < 0 ? message : message.substring(0, end));
  }
}
