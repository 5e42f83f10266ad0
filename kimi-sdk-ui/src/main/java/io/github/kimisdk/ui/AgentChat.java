package io.github.kimisdk.ui;

import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentListener;
import io.github.kimisdk.agents.Decision;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunTamperedException;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Serves a durable agent's runs to a page built with the AI SDK's {@code useChat}: the run, not the
 * page, is the truth. A chat is a series of runs in the agent's store, one per user message ({@code
 * CHAT_ID.1}, {@code CHAT_ID.2}, ...), each started with the chat's history as the store holds it
 * and the page's new text; the page's copy of the conversation is only held against the runs
 * ({@code 400} for a tool call, an argument or a result it invented or edited, {@code 409} for a
 * page that is behind or a decision sent again), and nothing runs when it does not match. A call
 * that waits for approval is sent as the AI SDK's approval request whose id is the decision token
 * the run signed ({@link Agent#token}); the page's answer comes back as that token, is verified
 * against the call's arguments and applied once, however many tabs send it. Who decides is the
 * server's to say: every method takes the person as the server's authentication names them, never
 * from the body, and a chat is its first person's.
 *
 * <pre>{@code
 * AgentChat chat =
 *     AgentChat.builder(kimi, listener ->
 *             Agent.builder(kimi, "kimi-k3")
 *                 .tool(transfer)                                  // Approval.always()
 *                 .store(FileRunStore.of(Path.of("runs")))
 *                 .key(RunKey.fromBase64(System.getenv("KIMI_AGENT_KEY")))
 *                 .streaming(true)
 *                 .listener(listener)                              // the chat's parts
 *                 .build())
 *         .build();
 * UiResponse r = chat.post(request.body(), user);    // POST /api/chat
 * UiResponse s = chat.resume(chatId, user);          // GET  /api/chat/{id}/stream
 * UiResponse m = chat.messages(chatId, user);        // GET  /api/chat/{id}/messages
 * }</pre>
 *
 * <p><b>A stream that survives.</b> A run is driven on the chat's executor, not on the request's
 * thread, and writes its parts into a log the chat keeps while the run goes and for {@link
 * Builder#retain} after: a client that goes away leaves the run to go on, and a page that reloads
 * or reconnects ({@link #resume}, the AI SDK's resume) is sent the whole message again, then the
 * rest as it comes. A server that holds no log for the chat (another instance, or this one after a
 * restart) reads the run from the store: a run whose worker died is resumed here and streamed; a
 * run another worker drives is replayed from its saved state and followed as it is saved. A paused
 * run's pending calls come with the chat's messages ({@link #messages}) after a reload.
 *
 * <p>Memory is bounded: at most {@link Builder#maxStreams} chats stream at once, each message's
 * parts at most {@link Builder#maxStreamChars} characters, a request body at most {@link
 * Builder#maxRequestBytes}. The caller's context (the client's {@link ContextPropagator}s) is made
 * current around every drive of a run and so every listener callback and tool call of it.
 * Thread-safe.
 */
public final class AgentChat {

  /** A chat id as this class takes it: letters, digits, {@code _} and {@code -}, 1 to 100. */
  private static final Pattern CHAT_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

  private static final int MAX_RUNS = 1 << 20;

  private final KimiClient kimi;
  private final Agent agent;
  private final RunStore store;
  private final long maxRequestBytes;
  private final long maxStreamChars;
  private final int maxStreams;
  private final Duration retain;
  private final Duration followEvery;
  private final Duration followFor;
  private final Duration claimWait;
  private final Executor executor;
  private final ConcurrentHashMap<String, Live> live;
  private final ConcurrentHashMap<String, RunParts> writers;

  /** The log of a chat's message that streams, or streamed a moment ago. */
  private static final class Live {
    final String owner;
    final PartLog log;
    volatile long endedAt = -1; // System.nanoTime() when its drive or follower ended

    Live(String owner, PartLog log) {
      this.owner = owner;
      this.log = log;
    }

    boolean ended() {
      return endedAt != -1;
    }

    void end() {
      endedAt = System.nanoTime();
    }
  }

  private AgentChat(Builder b, Agent agent) {
    this.kimi = b.kimi;
    this.agent = agent;
    this.store =
        agent
            .store()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "AgentChat serves durable runs: give the agent a store (RunStore.inMemory()"
                            + " for runs kept in this process) and a key"));
    try {
      agent.token(probe());
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(
          "AgentChat signs approval requests with the agent's key: give the agent one"
              + " (Agent.Builder.key)",
          e);
    }
    this.maxRequestBytes = b.maxRequestBytes;
    this.maxStreamChars = b.maxStreamChars;
    this.maxStreams = b.maxStreams;
    this.retain = b.retain;
    this.followEvery = b.followEvery;
    this.followFor = b.followFor;
    this.claimWait = b.claimWait;
    this.executor = b.executor;
    this.live = b.live;
    this.writers = b.writers;
  }

  private static PendingCall probe() {
    return new PendingCall(
        PendingCall.Kind.APPROVAL,
        "probe",
        1,
        0,
        null,
        "probe",
        "{}",
        "",
        "probe",
        "0".repeat(64),
        "probe",
        null,
        List.of());
  }

  /**
   * Starts a builder. The chat makes its agent with {@code agent}, handing it the listener that
   * turns the agent's events into the page's parts: pass it to {@link Agent.Builder#listener} (with
   * {@link AgentListener#andThen} to keep a listener of one's own). The agent needs a store and a
   * key; {@link Agent.Builder#streaming(boolean) streaming(true)} sends its text as it comes.
   *
   * @param kimi the agent's client: its context propagators and its prices
   * @param agent makes the agent, given the chat's listener
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(KimiClient kimi, Function<AgentListener, Agent> agent) {
    return new Builder(
        Objects.requireNonNull(kimi, "kimi must not be null"),
        Objects.requireNonNull(agent, "agent must not be null"));
  }

  /**
   * Returns the agent the chat drives.
   *
   * @return the agent
   */
  public Agent agent() {
    return agent;
  }

  /**
   * Answers the AI SDK's request ({@code POST} to the chat's endpoint): a new user message starts
   * the chat's next run, or the person's answers to the calls that wait go on with the paused run;
   * the response streams the run's parts. Everything is checked before anything runs.
   *
   * @param body the request body, read up to the limit
   * @param who the person, as the server's authentication names them (1 to 200 characters); null
   *     when nobody is signed in
   * @return the stream (200), or a refusal: 400 (malformed, invented or edited), 401 (nobody signed
   *     in), 404 (another person's chat), 409 (a page that is behind, a decision sent again, a run
   *     already going), 413 (too large), 503 (too many streams)
   */
  public UiResponse post(InputStream body, String who) {
    return guard(() -> postStream(body, who));
  }

  private UiResponse postStream(InputStream body, String who) {
    Objects.requireNonNull(body, "body must not be null");
    if (!valid(who)) {
      return unauthorized();
    }
    try {
      return post(UiRequest.read(body, maxRequestBytes), who);
    } catch (UiRequestException e) {
      return UiResponse.refusal(e.status(), e.getMessage());
    }
  }

  /**
   * Answers the AI SDK's request from a body already read (a framework that reads it, bounded by
   * its own limit): as {@link #post(InputStream, String)}.
   *
   * @param body the request body
   * @param who the person, or null
   * @return the stream or a refusal
   */
  public UiResponse post(byte[] body, String who) {
    return guard(() -> postBytes(body, who));
  }

  private UiResponse postBytes(byte[] body, String who) {
    Objects.requireNonNull(body, "body must not be null");
    if (!valid(who)) {
      return unauthorized();
    }
    if (body.length > maxRequestBytes) {
      return UiResponse.refusal(
          413,
          "the request body is larger than this server's limit of "
              + maxRequestBytes
              + " bytes; nothing was run");
    }
    try {
      return post(UiRequest.parse(body), who);
    } catch (UiRequestException e) {
      return UiResponse.refusal(e.status(), e.getMessage());
    }
  }

  private UiResponse post(UiRequest request, String who) {
    String chatId = request.chatId();
    if (!CHAT_ID.matcher(chatId).matches()) {
      return badChatId();
    }
    if (request.trigger().equals("regenerate-message")) {
      return UiResponse.refusal(
          400,
          "this chat does not regenerate a reply: the run's answer stands (its tools ran); send"
              + " a new message instead; nothing was run");
    }
    UiMessage last = request.messages().get(request.messages().size() - 1);
    if (last.role().equals("user") && request.messageId() != null) {
      return UiResponse.refusal(
          400,
          "this chat does not edit an earlier message: its history is the runs'; send a new"
              + " message instead; nothing was run");
    }
    Live slot = new Live(who, new PartLog(maxStreamChars));
    UiResponse busy = reserve(chatId, slot);
    if (busy != null) {
      return busy;
    }
    try {
      List<RunState> runs = runs(chatId);
      if (!runs.isEmpty() && !owns(runs.get(runs.size() - 1), who)) {
        throw notFound(chatId);
      }
      List<RunView> views = new ArrayList<>(runs.size());
      for (RunState s : runs) {
        views.add(RunView.of(s, agent));
      }
      PageCheck.Plan plan = PageCheck.check(request, views, who);
      RunState latest = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (plan.text() != null) {
        return ask(chatId, slot, latest, runs.size() + 1, plan.text(), who);
      }
      return decide(chatId, slot, latest, views.get(views.size() - 1), plan.decisions());
    } catch (UiRequestException e) {
      live.remove(chatId, slot);
      return UiResponse.refusal(e.status(), e.getMessage());
    } catch (RuntimeException e) {
      live.remove(chatId, slot);
      throw e;
    }
  }

  private UiResponse ask(
      String chatId, Live slot, RunState latest, int next, String text, String who) {
    if (latest != null && latest.status() == RunState.Status.PAUSED) {
      throw new UiRequestException(
          409,
          "this chat's run waits for a decision on "
              + latest.pending().size()
              + " tool call(s): approve or reject them first; nothing was run");
    }
    if (latest != null && latest.status() == RunState.Status.RUNNING) {
      throw new UiRequestException(
          409,
          "this chat's last reply is still being made: reconnect to it (GET .../"
              + chatId
              + "/stream); nothing was run");
    }
    List<Message> history = new ArrayList<>();
    if (latest != null) {
      history.addAll(history(latest.messages()));
    }
    history.add(Message.user(text));
    String runId = chatId + "." + next;
    Set<String> written = ConcurrentHashMap.newKeySet();
    written.add("start");
    slot.log.single(Parts.start(runId));
    RunParts parts = new RunParts(slot.log, runId, agent, kimi, written, false);
    return drive(
        chatId, slot, runId, parts, () -> agent.run(runId, history, Map.of("owner", who)), 0);
  }

  private UiResponse decide(
      String chatId, Live slot, RunState latest, RunView view, List<Decision> decisions) {
    if (latest.status() != RunState.Status.PAUSED) {
      throw new UiRequestException(409, "no call of this chat's run waits; nothing was run");
    }
    Set<String> written = ConcurrentHashMap.newKeySet();
    view.replay(slot.log, written, false);
    for (Decision d : decisions) {
      String reason =
          d instanceof Decision.Reject r
              ? r.message()
              : d.approver() == null ? null : d.approver().comment();
      slot.log.single(
          Parts.toolApprovalResponse(d.target().token(), d instanceof Decision.Approve, reason));
    }
    int from = slot.log.size(); // the page holds the message so far: it is sent what follows
    RunParts parts =
        new RunParts(slot.log, latest.id(), agent, kimi, written, view.lastStepOpen(written));
    return drive(
        chatId, slot, latest.id(), parts, () -> agent.resume(latest.id(), decisions), from);
  }

  /**
   * Drives a run on the executor, its parts into the slot's log, and answers once the run is
   * claimed (the stream) or the drive ended without claiming it (a refusal).
   */
  private UiResponse drive(
      String chatId,
      Live slot,
      String runId,
      RunParts parts,
      Supplier<RunResult> go,
      int readFrom) {
    CompletableFuture<Object> outcome = start(slot, runId, parts, go);
    if (outcome == null) {
      live.remove(chatId, slot);
      return UiResponse.refusal(503, "this server runs as many chats as it may; try again shortly");
    }
    Object refused = awaitClaim(parts, outcome);
    if (refused == null) {
      return UiResponse.stream(slot.log.reader(readFrom));
    }
    live.remove(chatId, slot);
    return refusal(refused);
  }

  /** Starts a drive; null when the executor refuses it. */
  private CompletableFuture<Object> start(
      Live slot, String runId, RunParts parts, Supplier<RunResult> go) {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    writers.put(runId, parts);
    ContextPropagator.Captured caller = kimi.captureContext();
    try {
      executor.execute(
          () -> {
            ContextPropagator.Scope scope = caller.restore();
            RunResult.Taken late = null;
            try {
              RunResult r = go.get();
              if (r instanceof RunResult.Taken t && !parts.handBack()) {
                late = t; // the request answered with the stream already: it follows the run
              } else {
                parts.end(r);
              }
              outcome.complete(r);
            } catch (RuntimeException | Error e) {
              parts.fail(e);
              outcome.complete(e);
            } finally {
              writers.remove(runId, parts);
              if (late != null) {
                follow(slot, runId, parts.written(), late.until()); // it ends the slot
              } else if (slot.log.ended()) {
                slot.end();
              }
              scope.close();
            }
          });
    } catch (RejectedExecutionException e) {
      writers.remove(runId, parts);
      return null;
    }
    return outcome;
  }

  /** Waits for the claim; null once claimed, else what ended the drive first. */
  private Object awaitClaim(RunParts parts, CompletableFuture<Object> outcome) {
    try {
      CompletableFuture.anyOf(parts.claimed, outcome)
          .get(claimWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // the store is slow to claim: the stream waits for the run, unless the drive has just found
      // it taken, and this request answers for that
      return parts.handOff() ? null : outcome.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return parts.handOff() ? null : outcome.join();
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    }
    if (Boolean.TRUE.equals(parts.claimed.getNow(false))) {
      return null;
    }
    return outcome.getNow(null);
  }

  private static UiResponse refusal(Object refused) {
    if (refused instanceof RunResult.Taken) {
      return UiResponse.refusal(
          409,
          "another request is driving this chat's run right now (a second tab?): a decision is"
              + " taken once; nothing was run");
    }
    if (refused instanceof RunResult.AlreadyDecided) {
      return UiResponse.refusal(
          409,
          "the call this decision names was decided already (from another tab?); a decision is"
              + " taken once; nothing was run");
    }
    if (refused instanceof IllegalArgumentException) {
      return UiResponse.refusal(
          409,
          "the decision names a call that no longer waits (it was decided meanwhile, from"
              + " another tab?); nothing was run");
    }
    if (refused instanceof IllegalStateException) {
      return UiResponse.refusal(
          409,
          "this chat's run moved on meanwhile (another tab?); reload the page; nothing was run");
    }
    if (refused instanceof RunTamperedException) {
      return UiResponse.refusal(
          500, "this chat's saved run does not verify under the server's key; nothing was run");
    }
    return UiResponse.refusal(500, "the server could not go on with this chat's run; try again");
  }

  /**
   * Answers the AI SDK's resume ({@code GET} on the chat's stream endpoint, which {@code useChat}
   * with {@code resume: true} sends when a page loads, and when it comes back after losing its
   * connection): the whole message of the reply being made, then the rest as it comes.
   *
   * @param chatId the chat
   * @param who the person, or null
   * @return the stream (200); 204 when no reply is being made (the page has the chat from {@link
   *     #messages}); 401, 404 (another person's chat, or no such chat id) or 503
   */
  public UiResponse resume(String chatId, String who) {
    return guard(() -> resumeChat(chatId, who));
  }

  private UiResponse resumeChat(String chatId, String who) {
    Objects.requireNonNull(chatId, "chatId must not be null");
    if (!valid(who)) {
      return unauthorized();
    }
    if (!CHAT_ID.matcher(chatId).matches()) {
      return badChatId();
    }
    purge();
    Live l = live.get(chatId);
    if (l != null) {
      if (!l.owner.equals(who)) {
        return UiResponse.refusal(404, notFound(chatId).getMessage());
      }
      return UiResponse.stream(l.log.reader(0));
    }
    RunState latest;
    try {
      int k = latestIndex(chatId);
      if (k == 0) {
        return UiResponse.noContent();
      }
      latest = load(chatId + "." + k);
    } catch (UiRequestException e) {
      return UiResponse.refusal(e.status(), e.getMessage());
    }
    if (!owns(latest, who)) {
      return UiResponse.refusal(404, notFound(chatId).getMessage());
    }
    if (latest.status() != RunState.Status.RUNNING) {
      return UiResponse.noContent();
    }
    Live slot = new Live(who, new PartLog(maxStreamChars));
    if (reserve(chatId, slot) != null) {
      Live other = live.get(chatId);
      return other == null ? UiResponse.noContent() : UiResponse.stream(other.log.reader(0));
    }
    String runId = latest.id();
    RunView view = RunView.of(latest, agent);
    Set<String> written = ConcurrentHashMap.newKeySet();
    view.replay(slot.log, written, false);
    RunParts parts =
        new RunParts(slot.log, runId, agent, kimi, written, view.lastStepOpen(written));
    CompletableFuture<Object> outcome =
        start(slot, runId, parts, () -> agent.resume(runId, List.of()));
    if (outcome == null) {
      live.remove(chatId, slot);
      return UiResponse.refusal(503, "this server runs as many chats as it may; try again shortly");
    }
    Object refused = awaitClaim(parts, outcome);
    if (refused instanceof RunResult.Taken t) {
      follow(slot, runId, written, t.until());
    } else if (refused != null) {
      live.remove(chatId, slot);
      return UiResponse.noContent();
    }
    return UiResponse.stream(slot.log.reader(0));
  }

  /**
   * Follows a run another worker drives, from its saved states, into the slot's log, until it ends;
   * drives it here when its holder's claim lapses (the holder died).
   */
  private void follow(Live slot, String runId, Set<String> written, Instant until) {
    ContextPropagator.Captured caller = kimi.captureContext();
    Runnable follower =
        () -> {
          ContextPropagator.Scope scope = caller.restore();
          try {
            Instant lapse = until;
            long deadline = System.nanoTime() + followFor.toNanos();
            while (true) {
              Thread.sleep(followEvery.toMillis()); // polling the store: the run is elsewhere
              RunState state = agent.load(runId).orElse(null);
              if (state == null) {
                endFollowing(slot, "The chat's run is gone from the store.");
                return;
              }
              RunView view = RunView.of(state, agent);
              boolean running = state.status() == RunState.Status.RUNNING;
              view.replay(slot.log, written, !running);
              if (!running) {
                RunParts done = new RunParts(slot.log, runId, agent, kimi, written, false);
                done.end(result(state));
                return;
              }
              if (Instant.now().isAfter(lapse)) {
                RunParts parts =
                    new RunParts(slot.log, runId, agent, kimi, written, view.lastStepOpen(written));
                writers.put(runId, parts);
                try {
                  RunResult r = agent.resume(runId, List.of());
                  if (r instanceof RunResult.Taken t) {
                    lapse = t.until();
                  } else {
                    parts.end(r);
                    return;
                  }
                } finally {
                  writers.remove(runId, parts);
                }
              }
              if (System.nanoTime() > deadline) {
                endFollowing(slot, "The run goes on elsewhere; reload the page to see it.");
                return;
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endFollowing(slot, "The server stopped following the run; reload the page.");
          } catch (RuntimeException | Error e) {
            endFollowing(slot, Texts.error(e));
          } finally {
            slot.end();
            scope.close();
          }
        };
    try {
      executor.execute(follower);
    } catch (RejectedExecutionException e) {
      endFollowing(slot, "The server cannot follow the run now; reload the page.");
      slot.end();
    }
  }

  private static void endFollowing(Live slot, String why) {
    slot.log.single(Parts.error(why));
    slot.log.single(Parts.finish("other", null));
    slot.log.end();
  }

  /** The result a saved state stands for, for a follower's last parts. */
  private static RunResult result(RunState state) {
    switch (state.status()) {
      case ANSWERED:
        return new RunResult.Answered(state);
      case PAUSED:
        return new RunResult.Paused(state);
      case STOPPED:
        return new RunResult.Stopped(state, limitOf(state));
      default:
        return new RunResult.Failed(
            state, new IllegalStateException("the run failed where another server drove it"));
    }
  }

  private static RunResult.Limit limitOf(RunState state) {
    String note = state.note() == null ? "" : state.note().toLowerCase(Locale.ROOT);
    for (RunResult.Limit l : RunResult.Limit.values()) {
      if (note.contains(l.name().toLowerCase(Locale.ROOT))) {
        return l;
      }
    }
    return RunResult.Limit.STEPS;
  }

  /**
   * Returns the chat's messages as the AI SDK's {@code UIMessage}s, from its runs in the store: for
   * a page that loads the chat (its {@code messages} for {@code useChat}). A paused run's calls
   * show as approval requests, each with the decision token the run signed as its id.
   *
   * @param chatId the chat
   * @param who the person, or null
   * @return a JSON array (200), empty for a chat with no run; or 401, 404
   */
  public UiResponse messages(String chatId, String who) {
    return guard(() -> messagesOf(chatId, who));
  }

  private UiResponse messagesOf(String chatId, String who) {
    Objects.requireNonNull(chatId, "chatId must not be null");
    if (!valid(who)) {
      return unauthorized();
    }
    if (!CHAT_ID.matcher(chatId).matches()) {
      return badChatId();
    }
    try {
      List<RunState> runs = runs(chatId);
      if (!runs.isEmpty() && !owns(runs.get(runs.size() - 1), who)) {
        return UiResponse.refusal(404, notFound(chatId).getMessage());
      }
      JsonArray.Builder out = JsonArray.builder();
      for (RunState s : runs) {
        RunView v = RunView.of(s, agent);
        out.add(v.userMessage());
        if (!v.steps.isEmpty()) {
          JsonObject a = v.assistantMessage();
          out.add(withMetadata(a, s));
        }
      }
      return UiResponse.json(200, out.build());
    } catch (UiRequestException e) {
      return UiResponse.refusal(e.status(), e.getMessage());
    }
  }

  private JsonObject withMetadata(JsonObject message, RunState s) {
    JsonObject.Builder b = JsonObject.builder();
    message.members().forEach(b::put);
    b.put("metadata", RunParts.metadata(s, kimi).put("runId", s.id()).build());
    return b.build();
  }

  /** The chat's runs, oldest first. */
  private List<RunState> runs(String chatId) {
    int k = latestIndex(chatId);
    List<RunState> out = new ArrayList<>(k);
    for (int i = 1; i <= k; i++) {
      out.add(load(chatId + "." + i));
    }
    return out;
  }

  private RunState load(String runId) {
    try {
      return agent
          .load(runId)
          .orElseThrow(
              () ->
                  new UiRequestException(
                      409, "the chat's run " + runId + " is gone from the store"));
    } catch (RunTamperedException e) {
      throw new UiRequestException(
          500, "this chat's saved run does not verify under the server's key; nothing was run");
    }
  }

  /** The number of the chat's latest run, 0 for none: a galloping search over the store's ids. */
  private int latestIndex(String chatId) {
    if (!exists(chatId, 1)) {
      return 0;
    }
    int lo = 1;
    int hi = 2;
    while (exists(chatId, hi)) {
      lo = hi;
      if (hi >= MAX_RUNS) {
        return hi;
      }
      hi *= 2;
    }
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (exists(chatId, mid)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private boolean exists(String chatId, int n) {
    return store.get(chatId + "." + n, "state") != null;
  }

  private static boolean owns(RunState run, String who) {
    return who.equals(run.labels().get("owner"));
  }

  /** Reserves the chat's slot; null when reserved, else the refusal. */
  private UiResponse reserve(String chatId, Live slot) {
    purge();
    Live now = live.compute(chatId, (id, old) -> old == null || old.ended() ? slot : old);
    if (now != slot) {
      if (!now.owner.equals(slot.owner)) {
        return UiResponse.refusal(404, notFound(chatId).getMessage());
      }
      return UiResponse.refusal(
          409,
          "a reply of this chat is streaming: reconnect to it (GET .../"
              + chatId
              + "/stream) or wait for it to end; nothing was run");
    }
    if (live.size() > maxStreams) {
      live.remove(chatId, slot);
      return UiResponse.refusal(
          503, "this server streams as many chats as it may; try again shortly");
    }
    return null;
  }

  /** Forgets the logs that ended longer ago than {@code retain}. */
  private void purge() {
    long now = System.nanoTime();
    live.values().removeIf(l -> l.ended() && now - l.endedAt > retain.toNanos());
  }

  /** The history a chat's next run starts from: the runs' messages, without calls left open. */
  static List<Message> history(List<Message> messages) {
    int from = 0;
    while (from < messages.size() && messages.get(from) instanceof SystemMessage) {
      from++; // the agent's instructions: the next run adds its own
    }
    List<Message> out = new ArrayList<>(messages.subList(from, messages.size()));
    for (int i = out.size() - 1; i >= 0; i--) {
      if (out.get(i) instanceof AssistantMessage a && !a.toolCalls().isEmpty()) {
        int answered = 0;
        for (int j = i + 1; j < out.size() && out.get(j) instanceof ToolMessage; j++) {
          answered++;
        }
        if (answered < a.toolCalls().size()) {
          out.subList(i, out.size()).clear(); // a turn cut short: Kimi takes no call unanswered
        }
        break;
      }
    }
    return out;
  }

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.ui");

  /** Answers with what {@code answer} makes; a refusal for what it throws. */
  private static UiResponse guard(Supplier<UiResponse> answer) {
    try {
      return answer.get();
    } catch (UiRequestException e) {
      return UiResponse.refusal(e.status(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "an agent chat could not answer a request", e);
      return UiResponse.refusal(500, "the server could not answer; try again");
    }
  }

  private static boolean valid(String who) {
    return who != null && !who.isBlank() && who.length() <= 200;
  }

  private static UiResponse unauthorized() {
    return UiResponse.refusal(401, "sign in to use this chat");
  }

  private static UiResponse badChatId() {
    return UiResponse.refusal(
        400, "malformed request: a chat id is 1 to 100 letters, digits, _ or -; nothing was run");
  }

  private static UiRequestException notFound(String chatId) {
    return new UiRequestException(404, "there is no chat " + chatId + " of yours");
  }

  /** Builds an {@link AgentChat}. Not thread-safe. */
  public static final class Builder {
    private final KimiClient kimi;
    private final Function<AgentListener, Agent> agent;
    private long maxRequestBytes = UiRequest.DEFAULT_MAX_BYTES;
    private long maxStreamChars = 8L * 1024 * 1024;
    private int maxStreams = 256;
    private Duration retain = Duration.ofMinutes(1);
    private Duration followEvery = Duration.ofMillis(250);
    private Duration followFor = Duration.ofMinutes(30);
    private Duration claimWait = Duration.ofSeconds(30);
    private Executor executor = AgentChat::thread;
    private final ConcurrentHashMap<String, Live> live = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RunParts> writers = new ConcurrentHashMap<>();

    private Builder(KimiClient kimi, Function<AgentListener, Agent> agent) {
      this.kimi = kimi;
      this.agent = agent;
    }

    /**
     * Sets the largest request body read; a larger one is refused with 413, unread past the limit.
     *
     * @param bytes the limit; {@link UiRequest#DEFAULT_MAX_BYTES} (1 MiB) by default
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxRequestBytes(long bytes) {
      this.maxRequestBytes = positive(bytes, "maxRequestBytes");
      return this;
    }

    /**
     * Sets the most characters one streamed message keeps (its texts, inputs and results); past it
     * the stream ends with an error part telling the page to reload (the run goes on).
     *
     * @param chars the limit; 8 Mi by default
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxStreamChars(long chars) {
      this.maxStreamChars = positive(chars, "maxStreamChars");
      return this;
    }

    /**
     * Sets the most chats that stream at once (or streamed within {@link #retain}); more are
     * refused with 503.
     *
     * @param streams the limit; 256 by default
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxStreams(int streams) {
      this.maxStreams = (int) positive(streams, "maxStreams");
      return this;
    }

    /**
     * Sets how long a message's log is kept after its run's drive ended, for a page that reconnects
     * just then.
     *
     * @param retain the time; 1 minute by default
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder retain(Duration retain) {
      Objects.requireNonNull(retain, "retain must not be null");
      if (retain.isNegative()) {
        throw new IllegalArgumentException("retain must not be negative: " + retain);
      }
      this.retain = retain;
      return this;
    }

    /**
     * Sets how often a run another worker drives is read from the store while a page follows it,
     * and for how long at most.
     *
     * @param every the interval; 250 ms by default
     * @param atMost the longest a page follows one message; 30 minutes by default
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder follow(Duration every, Duration atMost) {
      this.followEvery = positive(every, "every");
      this.followFor = positive(atMost, "atMost");
      return this;
    }

    /**
     * Sets how long a request waits for its run to be claimed before it answers with the stream
     * regardless.
     *
     * @param wait the time; 30 s by default
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder claimWait(Duration wait) {
      this.claimWait = positive(wait, "claimWait");
      return this;
    }

    /**
     * Sets where runs are driven, off the request's thread; the caller's context is made current
     * around each drive. By default a new daemon thread per drive (at most {@link #maxStreams} at
     * once); on Java 21, {@code Executors.newVirtualThreadPerTaskExecutor()}.
     *
     * @param executor the executor
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor must not be null");
      return this;
    }

    /**
     * Builds the chat, making its agent.
     *
     * @return the chat
     * @throws IllegalArgumentException if the agent has no store or no key
     * @throws NullPointerException if the function returns null
     */
    public AgentChat build() {
      AgentListener listener =
          e -> {
            RunParts w = writers.get(e.runId());
            if (w != null) {
              w.on(e);
            }
          };
      Agent a = Objects.requireNonNull(agent.apply(listener), "the agent function returned null");
      return new AgentChat(this, a);
    }

    private static long positive(long v, String name) {
      if (v < 1) {
        throw new IllegalArgumentException(name + " must be positive: " + v);
      }
      return v;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " must not be null");
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }

  private static void thread(Runnable r) {
    Thread t = new Thread(r, "kimi-ui-run");
    t.setDaemon(true);
    t.start();
  }
}
