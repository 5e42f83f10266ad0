package io.github.kimisdk.mcp.internal.client;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.McpProtocol;
import io.github.kimisdk.mcp.McpServerInfo;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;

/**
 * Which protocol a server speaks, and what it says of itself: {@code server/discover} first (the
 * stateless protocol of 2026-07-28), else {@code initialize} (2025-11-25 and before); or only the
 * generation the user chose, or the one version the user pinned.
 */
final class Handshake {

  /** The protocol versions this client speaks, newest first. */
  static final List<String> PROTOCOL_VERSIONS =
      List.of("2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

  /** The stateless versions: no handshake, each request says its version. */
  static final List<String> MODERN_VERSIONS = List.of("2026-07-28");

  /** The versions with an {@code initialize} handshake, newest first. */
  static final List<String> LEGACY_VERSIONS =
      List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

  private final Connection c;

  Handshake(Connection c) {
    this.c = c;
  }

  void handshake() {
    String pinned = c.settings.protocolVersion();
    McpProtocol protocol = c.settings.protocol();
    if (pinned != null && MODERN_VERSIONS.contains(pinned)) {
      discover(pinned, false);
    } else if (pinned != null) {
      initialize(pinned, List.of(pinned));
    } else if (protocol == McpProtocol.MODERN) {
      discover(MODERN_VERSIONS.get(0), false);
    } else if (protocol == McpProtocol.LEGACY || !discover(MODERN_VERSIONS.get(0), true)) {
      initialize(LEGACY_VERSIONS.get(0), LEGACY_VERSIONS);
    }
  }

  /** Starts a new session after the server ended the last one (2025-11-25 and before, HTTP). */
  void renew() {
    String pinned = c.settings.protocolVersion();
    initialize(
        c.version == null ? LEGACY_VERSIONS.get(0) : c.version,
        pinned != null ? List.of(pinned) : LEGACY_VERSIONS);
  }

  /**
   * Speaks the stateless protocol: asks {@code server/discover} at {@code version}. When probing,
   * returns false (and leaves the client as it was) for a server that does not answer as a
   * 2026-07-28 server does, so that the caller falls back to {@code initialize}.
   */
  private boolean discover(String version, boolean probing) {
    c.speak(true, version);
    JsonValue r;
    try {
      r =
          c.exchange(
              "server/discover", null, c.settings.initializeTimeout(), null, false, Map.of());
    } catch (McpException e) {
      if (!probing) {
        if (e.errorCode().orElse(0) == -32601) {
          // A server that does not implement discovery: nothing is known of it but its tools.
          c.info =
              new McpServerInfo(
                  "", "", null, c.version, null, JsonObject.of("tools", JsonObject.of()));
          return true;
        }
        throw e;
      }
      boolean unreachable =
          e.kind() == McpException.Kind.CONNECTION
              || e.kind() == McpException.Kind.AUTHORIZATION
              || e.kind() == McpException.Kind.CLOSED
              || e.kind() == McpException.Kind.LIMIT;
      if (unreachable) {
        throw e;
      }
      Connection.LOG.log(
          Level.DEBUG,
          () -> c.name + " is not a 2026-07-28 server (" + e.getMessage() + "); initializing");
      c.speak(false, null);
      return false;
    }
    JsonObject o = r instanceof JsonObject obj ? obj : JsonObject.of();
    List<String> supported = Fields.strings(o.get("supportedVersions"), 64);
    if (probing && supported.isEmpty()) {
      c.speak(false, null);
      return false; // an answer, but not a discovery result: an earlier server that takes anything
    }
    if (!supported.isEmpty() && !supported.contains(c.version)) {
      String other = first(MODERN_VERSIONS, supported);
      if (other != null) {
        c.speak(true, other);
      } else if (probing && first(LEGACY_VERSIONS, supported) != null) {
        c.speak(false, null);
        initialize(first(LEGACY_VERSIONS, supported), LEGACY_VERSIONS);
        return true;
      } else {
        throw c.protocol(
            "speaks protocol versions "
                + String.join(", ", supported)
                + ", none of which this client speaks; it speaks "
                + String.join(", ", probing ? PROTOCOL_VERSIONS : MODERN_VERSIONS));
      }
    }
    JsonObject server = serverInfo(o);
    named(
        new McpServerInfo(
            orEmpty(Fields.string(server, "name")),
            orEmpty(Fields.string(server, "version")),
            Fields.string(server, "title"),
            c.version,
            Fields.string(o, "instructions"),
            o.get("capabilities") instanceof JsonObject caps ? caps : JsonObject.of()));
    return true;
  }

  private static JsonObject serverInfo(JsonObject discovered) {
    if (discovered.get("_meta") instanceof JsonObject meta
        && meta.get(Connection.META_PREFIX + "serverInfo") instanceof JsonObject s) {
      return s;
    }
    return discovered.get("serverInfo") instanceof JsonObject s ? s : JsonObject.of();
  }

  /** Speaks the handshake protocol: {@code initialize} offering {@code offered}. */
  private void initialize(String offered, List<String> accepted) {
    c.speak(false, null);
    JsonObject params =
        JsonObject.builder()
            .put("protocolVersion", offered)
            .put("capabilities", c.capabilities)
            .put("clientInfo", clientInfo())
            .build();
    JsonValue r =
        c.exchange("initialize", params, c.settings.initializeTimeout(), null, false, Map.of());
    if (!(r instanceof JsonObject o)) {
      throw c.protocol("answered initialize with " + c.shown(String.valueOf(r)));
    }
    String v = Fields.string(o, "protocolVersion");
    if (v == null || !accepted.contains(v)) {
      throw c.protocol(
          "speaks protocol version "
              + v
              + ", which this client does not; it speaks "
              + String.join(", ", accepted));
    }
    JsonObject server = o.get("serverInfo") instanceof JsonObject s ? s : JsonObject.of();
    McpServerInfo i =
        new McpServerInfo(
            orEmpty(Fields.string(server, "name")),
            orEmpty(Fields.string(server, "version")),
            Fields.string(server, "title"),
            v,
            Fields.string(o, "instructions"),
            o.get("capabilities") instanceof JsonObject caps ? caps : JsonObject.of());
    c.version = v;
    c.transport.initialized(v);
    named(i);
    c.transport.sendAndWait(
        JsonObject.of(
            "jsonrpc", JsonString.of("2.0"), "method", JsonString.of("notifications/initialized")),
        c.settings.initializeTimeout());
    c.transport.ready();
  }

  private void named(McpServerInfo i) {
    c.info = i;
    if (c.settings.name() == null && !i.name().isBlank()) {
      c.name = c.shown(i.name().strip());
    }
  }

  /** The client's {@code clientInfo}: its name and version, as the builder set them. */
  JsonObject clientInfo() {
    return JsonObject.of(
        "name",
        JsonString.of(c.settings.clientName()),
        "version",
        JsonString.of(c.settings.clientVersion()));
  }

  /** The first of {@code mine} that {@code theirs} holds, or null. */
  static String first(List<String> mine, List<String> theirs) {
    for (String v : mine) {
      if (theirs.contains(v)) {
        return v;
      }
    }
    return null;
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
