package io.github.kimisdk.mcp.internal.client;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.McpTool;
import io.github.kimisdk.mcp.internal.http.ParamHeaders;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's tools as last listed (every page of {@code tools/list}), kept until the server says
 * its list changed or, from a 2026-07-28 server, for as long as its cache hint allows ({@code
 * ttlMs}; a {@code private} listing only while the same grant is in use), with the {@code
 * Mcp-Param-*} headers each tool designates (2026-07-28 over HTTP). A new listing with the same
 * tools keeps the same list, so a toolset derives its declarations only when they changed.
 */
final class ToolCatalog {

  private static final int MAX_TOOLS = 10_000;

  private final Connection c;
  private final Object lock = new Object();
  private volatile Catalog catalog;
  private volatile boolean stale = true;

  /**
   * The server's tools as last listed, by name, with the headers each designates (2026-07-28 HTTP),
   * until when the list may be kept ({@link System#nanoTime()}), and the grant it was listed with
   * when the server said it is private to one (0 otherwise).
   */
  private record Catalog(
      List<McpTool> tools,
      Map<String, McpTool> byName,
      Map<String, List<ParamHeaders.Param>> headers,
      long keepUntil,
      long grant) {}

  /** The definitions of every page, and until when they may be kept. */
  private record Listing(List<JsonObject> defs, long keepUntil, boolean isPrivate) {}

  ToolCatalog(Connection c) {
    this.c = c;
  }

  /** Marks the list as out of date: the next use lists again. */
  void stale() {
    stale = true;
  }

  /** Returns the tools, listing them first if needed. */
  List<McpTool> tools() {
    return catalog(false).tools();
  }

  /**
   * Returns the {@code Mcp-Param-*} headers of a call, from the tool's listed schema; with {@code
   * relist}, from a new listing.
   */
  Map<String, String> params(String tool, JsonObject args, boolean relist) {
    Catalog k = relist ? catalog(true) : catalog;
    if (k == null) {
      k = catalog(false);
    }
    List<ParamHeaders.Param> p = k.headers().get(tool);
    return p == null || p.isEmpty() ? Map.of() : ParamHeaders.values(p, args);
  }

  /** The headers of a call from the list as it is, without listing; none when not listed yet. */
  Map<String, String> knownParams(String tool, JsonObject args) {
    Catalog k = catalog;
    List<ParamHeaders.Param> p = k == null ? null : k.headers().get(tool);
    return p == null ? Map.of() : ParamHeaders.values(p, args);
  }

  private Catalog catalog(boolean force) {
    Catalog k = catalog;
    if (!force && fresh(k)) {
      return k;
    }
    synchronized (lock) {
      if (!force && fresh(catalog)) {
        return catalog;
      }
      // Cleared before listing: a change announced while the list is fetched is not lost.
      stale = false;
      try {
        catalog = catalog(fetch(), catalog);
      } catch (RuntimeException e) {
        stale = true;
        throw e;
      }
      return catalog;
    }
  }

  private boolean fresh(Catalog k) {
    return k != null
        && !stale
        && k.keepUntil() - System.nanoTime() > 0
        && (k.grant() == 0 || c.auth == null || k.grant() == c.auth.grant());
  }

  private Listing fetch() {
    List<JsonObject> defs = new ArrayList<>();
    Set<String> cursors = new HashSet<>();
    String cursor = null;
    long ttl = Long.MAX_VALUE;
    boolean isPrivate = false;
    long started = System.nanoTime();
    while (true) {
      JsonObject params = cursor == null ? null : JsonObject.of("cursor", JsonString.of(cursor));
      JsonValue r;
      try {
        r = c.exchange("tools/list", params, c.settings.callTimeout(), null, false, Map.of());
      } catch (McpException e) {
        if (e.errorCode().orElse(0) == -32601 && defs.isEmpty() && cursor == null) {
          return new Listing(defs, Long.MAX_VALUE, false); // no tools at all
        }
        throw e;
      }
      if (!(r instanceof JsonObject o) || !(o.get("tools") instanceof JsonArray tools)) {
        throw c.protocol(
            "answered tools/list without a tools array: " + c.shown(String.valueOf(r)));
      }
      for (JsonValue t : tools.values()) {
        if (t instanceof JsonObject def && def.get("name") instanceof JsonString) {
          defs.add(def);
        } else {
          Connection.LOG.log(
              Level.WARNING,
              () -> c.name + " listed a tool without a name: " + c.shown(String.valueOf(t)));
        }
      }
      if (defs.size() > MAX_TOOLS) {
        throw c.failures.limit(c.name, "lists more than " + MAX_TOOLS + " tools", null);
      }
      if (c.modern) {
        // Cache hints: absent or negative means "do not keep"; pages are kept as long as the
        // shortest says.
        Double ms = Fields.number(o, "ttlMs");
        ttl = Math.min(ttl, ms == null || ms < 0 ? 0 : (long) Math.min(ms, 86_400_000d));
        isPrivate |= !"public".equals(Fields.string(o, "cacheScope"));
      }
      String next = Fields.string(o, "nextCursor");
      if (next == null) {
        long keep =
            ttl == Long.MAX_VALUE ? started + Long.MAX_VALUE / 2 : started + ttl * 1_000_000L;
        return new Listing(defs, keep, isPrivate);
      }
      if (!cursors.add(next)) {
        throw c.protocol("repeated the tools/list cursor " + c.shown(next));
      }
      cursor = next;
    }
  }

  private Catalog catalog(Listing listing, Catalog before) {
    List<McpTool> tools = new ArrayList<>();
    Map<String, McpTool> byName = new LinkedHashMap<>();
    Map<String, List<ParamHeaders.Param>> headers = new LinkedHashMap<>();
    boolean checkHeaders = c.modern && c.http();
    for (JsonObject def : listing.defs()) {
      String toolName = Fields.string(def, "name");
      if (byName.containsKey(toolName)) {
        Connection.LOG.log(
            Level.WARNING, () -> c.name + " lists the tool " + c.shown(toolName) + " twice");
        continue;
      }
      if (checkHeaders) {
        try {
          headers.put(toolName, ParamHeaders.params(def.get("inputSchema")));
        } catch (IllegalArgumentException e) {
          Connection.LOG.log(
              Level.WARNING,
              () ->
                  "MCP server "
                      + c.name
                      + ": the tool "
                      + c.shown(toolName)
                      + " is left out: "
                      + e.getMessage());
          continue;
        }
      }
      McpTool t = new McpTool(toolName, def);
      tools.add(t);
      byName.put(toolName, t);
    }
    List<McpTool> list = List.copyOf(tools);
    if (before != null && before.tools().equals(list)) {
      list = before.tools(); // the same tools: the same list, so toolsets need not derive anew
    }
    return new Catalog(
        list,
        Map.copyOf(byName),
        Map.copyOf(headers),
        listing.keepUntil(),
        listing.isPrivate() && c.auth != null ? c.auth.grant() : 0);
  }
}
