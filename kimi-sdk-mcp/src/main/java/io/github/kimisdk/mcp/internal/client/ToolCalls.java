package io.github.kimisdk.mcp.internal.client;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.McpToolResult;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code tools/call}, waited for or not: the arguments as a JSON object, the {@code Mcp-Param-*}
 * headers the tool designates (2026-07-28 over HTTP, listed again when the server refuses them),
 * the rounds of input its result may ask for, and the result read.
 */
final class ToolCalls {

  private final Connection c;

  ToolCalls(Connection c) {
    this.c = c;
  }

  /**
   * Calls a tool and waits for its result; {@code meta}, when not null, goes as its {@code _meta}.
   */
  McpToolResult call(String mcpName, JsonObject args, JsonObject meta) {
    JsonObject params =
        meta == null
            ? JsonObject.of("name", JsonString.of(mcpName), "arguments", args)
            : JsonObject.of("name", JsonString.of(mcpName), "arguments", args, "_meta", meta);
    boolean mirror = c.modern && c.http();
    try {
      return result(
          mcpName,
          c.inputs.request(
              "tools/call",
              params,
              mcpName,
              true,
              mirror ? c.tools.params(mcpName, args, false) : Map.of()));
    } catch (McpException e) {
      if (!mirror || e.errorCode().orElse(0) != -32020) {
        throw e;
      }
      // The server's schema may have changed: list again and send the headers it now asks for.
      Connection.LOG.log(
          Level.DEBUG,
          () ->
              c.name
                  + " refused the headers of tools/call "
                  + mcpName
                  + "; listing its tools again");
      return result(
          mcpName,
          c.inputs.request(
              "tools/call", params, mcpName, true, c.tools.params(mcpName, args, true)));
    }
  }

  /**
   * Calls a tool without waiting: the first sending happens now, on this thread; what its answer
   * asks for next (an authorization, the server's inputs, a new session or version) on one of the
   * client's own threads. Cancelling the future cancels the call on the server.
   */
  CompletableFuture<McpToolResult> callAsync(String mcpName, JsonObject args) {
    JsonObject params = JsonObject.of("name", JsonString.of(mcpName), "arguments", args);
    CompletableFuture<McpToolResult> out = new CompletableFuture<>();
    Map<String, String> sent = c.modern && c.http() ? c.tools.knownParams(mcpName, args) : Map.of();
    CompletableFuture<JsonValue> first =
        c.rpc.request(
            "tools/call",
            c.modern ? c.withMeta(params) : params,
            c.settings.callTimeout(),
            mcpName,
            true,
            sent);
    AtomicReference<Future<?>> next = new AtomicReference<>();
    first.whenComplete(
        (r, e) -> {
          Throwable failure =
              e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (failure == null && !InputRounds.required(r)) {
            try {
              out.complete(result(mcpName, r));
            } catch (RuntimeException x) {
              out.completeExceptionally(x);
            }
            return;
          }
          if (failure != null && !(failure instanceof McpException m && c.followedUp(m))) {
            out.completeExceptionally(failure);
            return;
          }
          try {
            next.set(
                c.workers.submit(
                    () -> {
                      try {
                        out.complete(
                            failure == null
                                ? result(
                                    mcpName,
                                    c.inputs.request("tools/call", params, mcpName, true, sent, r))
                                : call(mcpName, args, null));
                      } catch (RuntimeException | Error x) {
                        out.completeExceptionally(x);
                      }
                    }));
          } catch (RejectedExecutionException x) {
            out.completeExceptionally(
                c.failures.closed(
                    c.name,
                    "tools/call \"" + mcpName + "\" not finished: the client is closed",
                    x));
          }
        });
    // Cancelling the caller's future cancels the call on the server.
    out.whenComplete(
        (r, e) -> {
          if (out.isCancelled()) {
            first.cancel(true);
            Future<?> f = next.get();
            if (f != null) {
              f.cancel(true);
            }
          }
        });
    return out;
  }

  private McpToolResult result(String tool, JsonValue r) {
    if (!(r instanceof JsonObject o)) {
      throw c.protocol("answered tools/call \"" + tool + "\" with " + c.shown(String.valueOf(r)));
    }
    JsonValue content = o.get("content");
    List<JsonValue> blocks;
    if (content == null || content.isNull()) {
      blocks = List.of();
    } else if (content instanceof JsonArray a) {
      blocks = a.values();
    } else {
      throw c.protocol(
          "answered tools/call \""
              + tool
              + "\" with content that is not an array: "
              + c.shown(content.toString()));
    }
    JsonValue structured = o.get("structuredContent");
    return new McpToolResult(
        blocks,
        structured == null || structured.isNull() ? null : structured,
        o.get("isError") instanceof JsonBoolean b && b.value());
  }
}
