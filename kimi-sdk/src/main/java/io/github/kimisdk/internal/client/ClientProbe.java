package io.github.kimisdk.internal.client;

import io.github.kimisdk.Target;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.access.TargetProbe;
import io.github.kimisdk.internal.chain.Calls;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.internal.http.ServerText;
import io.github.kimisdk.internal.platform.PlatformCodec;
import io.github.kimisdk.internal.route.Kind;
import io.github.kimisdk.internal.route.TargetParts;
import io.github.kimisdk.internal.wire.Wires;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ListedModel;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.sse.EventStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One target of a client as its host check sends to it ({@link TargetProbe}): the target's
 * machinery ({@link TargetParts}) and a scope of the client whose calls go to that target, sent
 * once.
 */
final class ClientProbe implements TargetProbe {

  private static final String CHAT_PATH =
      Wires.get(WireProtocol.CHAT_COMPLETIONS, false).chatPath();

  private final ClientCore client; // the client's: its model table, request forms and timer
  private final TargetParts parts; // the target's machinery
  private final ClientScope scope; // sends on the target's chain, once
  private final boolean own;
  private final Duration bound;
  private final ServerText text;

  ClientProbe(ClientCore client, TargetParts parts, boolean own, ClientScope scope, Duration or) {
    this.client = client;
    this.parts = parts;
    this.own = own;
    this.scope = scope;
    this.bound = scope.defaults().timeout().orElse(or);
    this.text = new ServerText(key(parts));
  }

  private static ApiKey key(TargetParts parts) {
    try {
      return parts.settings.credential().key(parts.settings.endpoint());
    } catch (RuntimeException none) {
      return null;
    }
  }

  @Override
  public Target target() {
    return parts.target;
  }

  @Override
  public Host host() {
    return parts.settings.host();
  }

  @Override
  public WireProtocol wireProtocol() {
    return parts.settings.wireProtocol();
  }

  /**
   * Whether requests carry a key: the target was given one, or it is the client's own target and a
   * key was given (a team's own server's client may have none, and sends none) or a supplier gives
   * it.
   */
  @Override
  public boolean sendsKey() {
    if (parts.target.hasKey()) {
      return true;
    }
    if (!own) {
      return false;
    }
    ApiKey key = key(parts);
    return key == null || !key.reveal().isEmpty(); // a supplier that cannot say yet: keyed
  }

  @Override
  public Duration bound() {
    return bound;
  }

  @Override
  public ModelCatalog catalog() {
    return client.config().catalog();
  }

  @Override
  public String chatPath() {
    return CHAT_PATH;
  }

  @Override
  public CompletableFuture<byte[]> models() {
    CompletableFuture<byte[]> call;
    try {
      call = scope.platform("GET", "models", null, null, true, Function.identity());
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    return bounded(call);
  }

  @Override
  public CompletableFuture<JsonValue> chat(ChatRequest request) {
    CompletableFuture<io.github.kimisdk.KimiResponse<JsonValue>> call;
    try {
      call = scope.request("POST", CHAT_PATH, hosted(request));
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    return bounded(call).thenApply(io.github.kimisdk.KimiResponse::value);
  }

  @Override
  public EventStream events(ChatRequest request) {
    return scope.requestEvents("POST", CHAT_PATH, hosted(request));
  }

  private JsonValue hosted(ChatRequest request) {
    return client.chats().hosted(host(), parts.transport, request, scope.defaults());
  }

  @Override
  public Runnable schedule(Runnable task, Duration delay) {
    return client.scheduler().schedule(task, delay);
  }

  @Override
  public KimiException timedOut() {
    return client.retrier().forPlatformCall(null, bound).timedOut(bound);
  }

  @Override
  public KimiException kimi(Throwable error) {
    return client.calls().kimi(error);
  }

  @Override
  public String keep(String s, int max) {
    return text.keep(s, max);
  }

  @Override
  public List<String> listedIds(byte[] body) {
    return ids(body);
  }

  static List<String> ids(byte[] body) {
    List<String> ids = new ArrayList<>();
    for (ListedModel m : PlatformCodec.decodeModels(body)) {
      ids.add(m.id());
    }
    return ids;
  }

  @Override
  public String listsInstead(List<String> ids, String id) {
    return lists(ids, id, text);
  }

  /** The longest quote of a listed id. */
  private static final int QUOTE = 160;

  /** Says what a listing holds instead of {@code id}: its first ids, escaped, and how many more. */
  static String lists(List<String> ids, String id, ServerText text) {
    List<String> shown = ids.subList(0, Math.min(8, ids.size()));
    List<String> quoted = new ArrayList<>();
    for (String s : shown) {
      quoted.add(text.keep(s, QUOTE));
    }
    return "GET /models lists "
        + String.join(", ", quoted)
        + (ids.size() > shown.size() ? " and " + (ids.size() - shown.size()) + " more" : "")
        + ", not "
        + id;
  }

  /**
   * Returns why {@code host} does not serve {@code model}, judged by its listing ({@code GET
   * /models}'s body), for the health check of a target that names its model; null when the listing
   * holds the host's id of it, holds nothing, or cannot be read (a host's listing is its own).
   *
   * @param host the target's host
   * @param model Kimi's id of the target's model
   * @param listing the body of the host's {@code GET /models}
   * @param text the target's rules for server texts
   * @return the problem, naming what the host lists; null when there is none to tell
   */
  static String notServed(Host host, String model, byte[] listing, ServerText text) {
    List<String> ids;
    try {
      ids = ids(listing);
    } catch (RuntimeException unreadable) {
      return null;
    }
    String id = host.modelId(model);
    if (ids.isEmpty() || ids.contains(id)) {
      return null;
    }
    return host.name()
        + " at "
        + host.endpoint().baseUrl()
        + " does not serve "
        + model
        + " as "
        + id
        + ": "
        + lists(ids, id, text)
        + " (a retired or misspelt id, or a server started under another name); no call for it"
        + " can succeed there, and the host check (kimi-sdk-hostcheck) says what to change";
  }

  @Override
  public Capacity capacity(ApiException refusal) {
    Kind kind = Kind.of(refusal, host());
    return kind == Kind.QUOTA
        ? Capacity.QUOTA
        : kind == Kind.OVERLOAD || kind == Kind.CONCURRENCY || kind == Kind.RATE_LIMIT
            ? Capacity.BUSY
            : Capacity.FREE;
  }

  private <T> CompletableFuture<T> bounded(CompletableFuture<T> call) {
    return Calls.bounded(call, bound, client.scheduler(), this::timedOut);
  }
}
