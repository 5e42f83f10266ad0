package io.github.kimisdk.agent;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.base.flow.DaemonTimer;
import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.tool.BuiltinTool;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a bounded tool-calling loop: it calls the model, executes the tool calls of each turn in
 * parallel, sends the results back, and repeats until the model answers without calling a tool or
 * the step limit is reached.
 *
 * <pre>{@code
 * ToolRunner runner = ToolRunner.builder(kimi)
 *     .tool("add", "Adds two integers",
 *         JsonSchema.object().required("a", JsonSchema.integer())
 *             .required("b", JsonSchema.integer()).build(),
 *         args -> String.valueOf(args.get("a").asLong() + args.get("b").asLong()))
 *     .maxSteps(20)
 *     .build();
 * ToolRunner.Result result = runner.run(ChatRequest.of("kimi-k2.6", "What is 2 + 3?"));
 * if (result.outcome() == ToolRunner.Outcome.ANSWERED) {
 *   System.out.println(result.text());
 * }
 * }</pre>
 *
 * <p>Each step appends the assistant message exactly as the server sent it, {@code
 * reasoning_content} included (even {@code ""}), because Kimi's thinking models reject a tool-call
 * history without it; then one tool message per call, in the order of the calls, carrying the
 * call's id and the tool's name. What the model reads back:
 *
 * <ul>
 *   <li>the handler's result; {@code null} or {@code ""} becomes {@code "(no output)"} since Kimi
 *       rejects empty content;
 *   <li>for a built-in tool such as {@code $web_search}, the call's arguments unchanged (Kimi runs
 *       the search on the next call);
 *   <li>for a function of one of Kimi's official formulas ({@link Builder#formula(String)}), the
 *       fiber's {@code encrypted_output} or {@code output}, or an error when it failed or was still
 *       running when the runner stopped waiting ({@link Builder#fiberPolling(int, Duration)});
 *   <li>an error text starting with {@code "Error: "} when the tool is unknown, the arguments are
 *       not valid JSON or do not decode, the handler throws, or it runs past the per-tool timeout
 *       (its thread is then interrupted). The model can read it and try again.
 * </ul>
 *
 * <p>Tool calls of one turn run concurrently on up to {@link Builder#parallelism(int)} daemon
 * threads owned by this runner; threads that stay idle end by themselves. Listener methods are all
 * called on the thread that called {@link #run(ChatRequest)}, so a listener needs no locking.
 *
 * <p>A {@code required} or named {@link ToolChoice} in the request applies to the first step only;
 * later steps use the server's default ({@code auto}), otherwise the model could never answer. The
 * request is first adapted as the client sends it ({@link KimiClient#adapt}): when the client's
 * {@code thinkingFallback} turns thinking off for a forced choice, it stays off for the run. A
 * request that names one of the runner's tools declares them itself, with {@code
 * .tools(runner.tools())}; the runner does not add a tool the request already declares, in its
 * tools or (kimi-k3's dynamic tools) in a system message: a registered handler answers the calls of
 * a tool declared either way.
 *
 * <p>Tools from elsewhere join the local ones through a {@link ToolSource} ({@link
 * Builder#tools(ToolSource)}): the tools of a Model Context Protocol server, with {@code
 * McpToolset} of the artifact {@code kimi-sdk-mcp}, which makes their names and schemas acceptable
 * to Kimi. A source's list is read again before each step, so a server that announces a changed
 * list is seen at the next step. A source tool whose name is already taken (by a local tool or
 * another source's) is offered as {@code <source>_<name>} (then {@code _2}, {@code _3}, ...); the
 * runner keeps the mapping, so each call reaches the right source and tool. A source's error result
 * reaches the model as an error text, and so does a failed or timed-out call. A source that cannot
 * list its tools ends the run with {@link Outcome#FAILED} and its exception as {@link
 * Result#error()}.
 *
 * <p>A run counts its tokens and their cost ({@link Result#spend()}, priced with the client's
 * {@link KimiClient#prices()}), and can be bounded by them as by its step limit: with {@link
 * Builder#maxSpend(BigDecimal, Currency)} or {@link Builder#maxTotalTokens(long)} it stops before a
 * step that could take it past the limit ({@link Outcome#SPEND_LIMIT}, {@link
 * Outcome#TOKEN_LIMIT}).
 *
 * <p>A runner is immutable and thread-safe: several loops may run on it at once.
 */
public final class ToolRunner {

  /** The default step limit: at most this many model calls per run. */
  public static final int DEFAULT_MAX_STEPS = 10;

  /** The default number of tool calls executed at once. */
  public static final int DEFAULT_PARALLELISM = 4;

  /** The default time a tool call may run before it is cancelled. */
  public static final Duration DEFAULT_TOOL_TIMEOUT = Duration.ofSeconds(60);

  /** The default number of times a pending fiber of an official tool is polled. */
  public static final int DEFAULT_FIBER_POLLS = 10;

  /** The default time a pending fiber of an official tool is waited for. */
  public static final Duration DEFAULT_FIBER_WAIT = Duration.ofSeconds(30);

  private static final AtomicInteger RUNNERS = new AtomicInteger();

  private final KimiClient kimi;
  private final Map<String, Registration> handlers;
  private final List<Tool> tools;
  private final int maxSteps;
  private final Duration toolTimeout;
  private final boolean streaming;
  private final Listener listener;
  private final ThreadPoolExecutor pool;
  private final List<ToolSource> sources;
  private final OfficialTools.Polling fiberPolling;
  private final RunLimits limits;
  private final CacheTtl promptCacheTtl; // null: as the request and the client say

  private ToolRunner(Builder b) {
    this.kimi = b.kimi;
    this.handlers = Map.copyOf(b.handlers);
    this.sources = List.copyOf(b.sources);
    List<Tool> all = new ArrayList<>();
    b.handlers.values().forEach(r -> all.add(r.tool()));
    all.addAll(b.builtins);
    this.tools = List.copyOf(all);
    this.maxSteps = b.maxSteps;
    this.toolTimeout = b.toolTimeout;
    this.streaming = b.streaming;
    this.promptCacheTtl = b.promptCacheTtl;
    this.listener = b.listener;
    this.fiberPolling =
        new OfficialTools.Polling(
            b.fiberPolls,
            b.fiberWait,
            b.time != null ? b.time : Scheduler.system(DaemonTimer.shared(), Runnable::run));
    this.limits = new RunLimits(b.kimi, b.maxSpend, b.spendCurrency, b.maxTotalTokens);
    int id = RUNNERS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            b.parallelism,
            b.parallelism,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "kimi-tool-" + id + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
  }

  /**
   * Starts a builder for a runner that calls the model through {@code kimi}.
   *
   * @param kimi the client
   * @return the builder
   * @throws NullPointerException if {@code kimi} is null
   */
  public static Builder builder(KimiClient kimi) {
    return new Builder(Objects.requireNonNull(kimi, "kimi must not be null"));
  }

  /**
   * Returns the tools this runner declares to the model: the registered functions, then the
   * built-ins, then the tools of its sources as they list them now.
   *
   * @return the tools
   * @throws RuntimeException what a source throws when it cannot list its tools
   */
  public List<Tool> tools() {
    return sources.isEmpty() ? tools : toolset(List.of(), List.of(), listSources()).all;
  }

  /**
   * Runs the loop from {@code request}: its model, settings and messages, with this runner's tools
   * added to the request's own tools. Failures of the model call end the run with {@link
   * Outcome#FAILED} rather than an exception.
   *
   * @param request the first request
   * @return how the run ended, with the full transcript, summed usage and spend
   * @throws NullPointerException if {@code request} is null
   * @throws IllegalArgumentException if the request declares a tool with the same name as one of
   *     this runner's local tools but a different declaration, or the tools together break one of
   *     Kimi's rules (more than 128); or a spend limit is set and the client's price table has no
   *     price in its currency for the request's model
   */
  public Result run(ChatRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    RunLimits.Totals totals = limits.start(request.model());
    return totals.finish(loop(request, totals));
  }

  private Result loop(ChatRequest request, RunLimits.Totals totals) {
    if (promptCacheTtl != null && request.promptCacheTtl() == null) {
      request = request.toBuilder().promptCacheTtl(promptCacheTtl).build();
    }
    // As the client sends it: later steps continue what the first one sent (a forced tool choice
    // resolved by turning thinking off keeps thinking off for the whole run; the client's cache
    // time to live, when the request and the runner set none, is set).
    request = kimi.adapt(request);
    Run run = new Run(request.messages());
    List<Message> transcript = run.transcript;
    ToolChoice choice = request.toolChoice();
    List<FunctionTool> dynamic = new ArrayList<>();
    for (Message m : request.messages()) {
      if (m instanceof SystemMessage s) {
        dynamic.addAll(s.tools());
      }
    }
    for (int step = 1; step <= maxSteps; step++) {
      List<List<FunctionTool>> listed;
      try {
        listed = listSources();
      } catch (RuntimeException e) {
        // as it always has: this ending counts no argument errors
        return new Result(Outcome.FAILED, transcript, run.initial, run.last, run.usage, step, e);
      }
      Toolset ts = toolset(request.tools(), dynamic, listed);
      ChatRequest.Builder next = request.toBuilder().messages(transcript).tools(ts.all);
      next.toolChoice(choice);
      if (streaming) {
        next.stream(true).includeUsage(true);
      }
      ChatRequest stepRequest = next.build();
      if (choice == ToolChoice.Mode.REQUIRED || choice instanceof ToolChoice.Function) {
        choice = null;
      }
      Outcome limit = totals.check(stepRequest);
      if (limit != null) {
        return run.end(limit, step - 1, null);
      }
      listener.onStep(step, stepRequest);
      ChatCompletion last;
      try {
        last = streaming ? streamStep(step, stepRequest) : kimi.chat(stepRequest);
      } catch (KimiException e) {
        return run.end(Outcome.FAILED, step, e);
      }
      run.add(last);
      totals.add(stepRequest, last);
      if (last.choices().isEmpty()) {
        return run.end(
            Outcome.FAILED,
            step,
            new DecodingException(
                "Kimi returned a completion without choices: " + last.id(), null, last.metadata()));
      }
      AssistantMessage reply = last.choices().get(0).message();
      transcript.add(reply);
      listener.onReply(step, last);
      if (last.usage() != null) {
        listener.onUsage(step, last.usage(), run.usage);
      }
      if (!reply.hasToolCalls()) {
        return run.end(Outcome.ANSWERED, step, null);
      }
      List<ToolResult> results;
      try {
        results = execute(step, reply.toolCalls(), ts, run.argumentErrors);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        // Answer every call so the transcript stays valid history (a conversation can go on).
        for (ToolCall call : reply.toolCalls()) {
          transcript.add(
              error(
                      call,
                      "the run was interrupted before " + call.name() + " finished",
                      Duration.ZERO)
                  .toMessage());
        }
        return run.end(Outcome.FAILED, step, cancelled(e));
      }
      for (ToolResult r : results) {
        transcript.add(r.toMessage());
        listener.onToolResult(step, r);
      }
    }
    return run.end(Outcome.STEP_LIMIT, maxSteps, null);
  }

  /** What one run has gathered: its transcript, summed usage and last reply, and its ending. */
  private static final class Run {
    final List<Message> transcript;
    final int initial;
    final AtomicInteger argumentErrors = new AtomicInteger();
    Usage usage;
    ChatCompletion last;

    Run(List<Message> messages) {
      transcript = new ArrayList<>(messages);
      initial = transcript.size();
    }

    /** Takes a step's reply: the last one, its usage added to the sum. */
    void add(ChatCompletion reply) {
      last = reply;
      usage = usage == null ? reply.usage() : usage.plus(reply.usage());
    }

    /** Ends the run after {@code steps} model calls, with what it gathered. */
    Result end(Outcome outcome, int steps, RuntimeException error) {
      return new Result(
          outcome, transcript, initial, last, usage, steps, error, argumentErrors.get());
    }
  }

  /** The tools of one step: what the model is told, and how each call is answered. */
  private static final class Toolset {
    final List<Tool> all;
    final Map<String, Registration> handlers;
    final List<String> builtins = new ArrayList<>();
    final List<String> available = new ArrayList<>();

    Toolset(List<Tool> all, List<FunctionTool> dynamic, Map<String, Registration> handlers) {
      this.all = List.copyOf(all);
      this.handlers = handlers;
      for (Tool t : all) {
        available.add(t.name());
        if (t instanceof BuiltinTool) {
          builtins.add(t.name());
        }
      }
      dynamic.forEach(t -> available.add(t.name()));
    }
  }

  /**
   * The tools of a step: the request's own, then the runner's that the request does not declare (in
   * its tools or, kimi-k3's dynamic tools, in its system messages), then the sources', as {@code
   * listed} (one list per source, in the order of {@link #sources}).
   */
  private Toolset toolset(
      List<Tool> requestTools, List<FunctionTool> dynamic, List<List<FunctionTool>> listed) {
    List<Tool> all = new ArrayList<>(requestTools);
    for (Tool t : tools) {
      Tool same = null;
      for (Tool x : all) {
        if (x.name().equals(t.name())) {
          same = x;
        }
      }
      for (Tool x : dynamic) {
        if (x.name().equals(t.name())) {
          same = x;
        }
      }
      if (same == null) {
        all.add(t);
      } else if (!same.equals(t)) {
        throw new IllegalArgumentException(
            "the request declares a tool named \""
                + t.name()
                + "\" that differs from the one this runner registers; remove it from the"
                + " request or declare runner.tools() there");
      }
    }
    if (sources.isEmpty()) {
      return new Toolset(all, dynamic, handlers);
    }
    Map<String, Registration> withSources = new HashMap<>(handlers);
    Set<String> taken = new HashSet<>();
    all.forEach(t -> taken.add(t.name()));
    dynamic.forEach(t -> taken.add(t.name()));
    for (int i = 0; i < sources.size(); i++) {
      ToolSource source = sources.get(i);
      for (FunctionTool declared : listed.get(i)) {
        FunctionTool f = declared;
        if (taken.contains(f.name()) && !all.contains(f)) {
          f = renamed(source.name(), f, all, taken);
        }
        if (taken.add(f.name())) {
          all.add(f);
        }
        withSources.put(f.name(), new Registration.FromSource(f, source, declared.name()));
      }
    }
    return new Toolset(all, dynamic, withSources);
  }

  /** Lists each source's tools now, in order; what a source throws ends the run. */
  private List<List<FunctionTool>> listSources() {
    List<List<FunctionTool>> listed = new ArrayList<>(sources.size());
    for (ToolSource s : sources) {
      listed.add(List.copyOf(s.tools()));
    }
    return listed;
  }

  /**
   * Renames an MCP tool whose name is taken: the server's name in front, then a number; a name the
   * request already declares for the same tool is kept.
   */
  private static FunctionTool renamed(
      String server, FunctionTool f, List<Tool> all, Set<String> taken) {
    String label = server.replaceAll("[^A-Za-z0-9_-]", "_");
    char first = label.isEmpty() ? '0' : label.charAt(0);
    boolean usable =
        first == '_' || (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z');
    String base = usable ? label + "_" + f.name() : f.name();
    if (base.length() > 64) {
      base = base.substring(0, 64);
    }
    String candidate = base;
    for (int i = 2; ; i++) {
      FunctionTool g = new FunctionTool(candidate, f.description(), f.parameters(), f.strict());
      if (!taken.contains(candidate) || all.contains(g)) {
        return g;
      }
      String suffix = "_" + i;
      candidate =
          (base.length() + suffix.length() > 64 ? base.substring(0, 64 - suffix.length()) : base)
              + suffix;
    }
  }

  /**
   * Runs the loop on a conversation and appends every new message to it (replies and tool turns),
   * so it can be saved and continued.
   *
   * <pre>{@code
   * conversation.addUser("What time is it in Tokyo?");
   * runner.run(conversation, conversation.request("kimi-k2.6"));
   * conversation.save(Path.of("chat.json"));
   * }</pre>
   *
   * @param conversation the conversation to continue and extend
   * @param settings the request settings (model, thinking, ...), for example from {@link
   *     Conversation#request(String)}; its messages are replaced by the conversation's history
   * @return how the run ended
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as {@link #run(ChatRequest)} does, or if the conversation is
   *     empty
   */
  public Result run(Conversation conversation, ChatRequest.Builder settings) {
    Objects.requireNonNull(conversation, "conversation must not be null");
    Objects.requireNonNull(settings, "settings must not be null");
    ChatRequest request = settings.messages(conversation.messages()).build();
    RunLimits.Totals totals = limits.start(request.model());
    Result r = totals.finish(loop(request, totals));
    conversation.addAll(r.newMessages());
    totals.byModel().forEach(conversation::addUsage);
    return r;
  }

  private static CancelledException cancelled(InterruptedException e) {
    return new CancelledException(
        CancelledException.Reason.INTERRUPTED,
        "The tool loop was interrupted while its tools ran; the open calls were answered with"
            + " errors",
        e);
  }

  private ChatCompletion streamStep(int step, ChatRequest request) {
    try (ChatStream stream = kimi.stream(request)) {
      return stream.forEachText(r -> listener.onReasoning(step, r), t -> listener.onText(step, t));
    }
  }

  private List<ToolResult> execute(
      int step, List<ToolCall> calls, Toolset ts, AtomicInteger argumentErrors)
      throws InterruptedException {
    List<CompletableFuture<ToolResult>> futures = new ArrayList<>(calls.size());
    for (ToolCall call : calls) {
      listener.onToolCall(step, call);
      futures.add(start(call, ts, argumentErrors));
    }
    List<ToolResult> results = new ArrayList<>(calls.size());
    try {
      for (CompletableFuture<ToolResult> f : futures) {
        results.add(f.get());
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      throw e;
    } catch (ExecutionException e) {
      throw new AssertionError("tool futures complete normally", e);
    }
    return results;
  }

  private CompletableFuture<ToolResult> start(
      ToolCall call, Toolset ts, AtomicInteger argumentErrors) {
    List<String> builtins = ts.builtins;
    List<String> available = ts.available;
    String name = call.name() == null ? "" : call.name();
    if (builtins.contains(name)) {
      // Kimi's built-ins run on the server: the call's arguments go back unchanged.
      return CompletableFuture.completedFuture(
          new ToolResult(call, call.arguments(), false, Duration.ZERO));
    }
    Registration handler = ts.handlers.get(name);
    if (handler == null) {
      String why =
          available.contains(name)
              ? "no handler is registered for the tool \"" + name + "\""
              : "there is no tool named \"" + name + "\"";
      return CompletableFuture.completedFuture(
          error(call, why + "; the tools are: " + String.join(", ", available), Duration.ZERO));
    }
    JsonValue arguments;
    try {
      arguments = call.argumentsJson();
    } catch (JsonException e) {
      argumentErrors.incrementAndGet();
      return CompletableFuture.completedFuture(
          error(
              call,
              "the arguments of "
                  + name
                  + " are not valid JSON ("
                  + e.getMessage()
                  + "); call "
                  + name
                  + " again with a JSON object that follows its schema",
              Duration.ZERO));
    }
    Execution ex = new Execution(call, handler, arguments, argumentErrors);
    pool.execute(ex);
    return ex.out;
  }

  private static ToolResult error(ToolCall call, String message, Duration elapsed) {
    return new ToolResult(call, "Error: " + message, true, elapsed);
  }

  /** One tool call on a pool thread, with a timeout that interrupts it. */
  private final class Execution implements Runnable {
    final CompletableFuture<ToolResult> out = new CompletableFuture<>();
    private final ToolCall call;
    private final Registration handler;
    private final JsonValue arguments;
    private final AtomicInteger argumentErrors;
    private Thread worker; // guarded by this; set while the handler runs
    private long started;

    Execution(
        ToolCall call, Registration handler, JsonValue arguments, AtomicInteger argumentErrors) {
      this.call = call;
      this.handler = handler;
      this.arguments = arguments;
      this.argumentErrors = argumentErrors;
      out.whenComplete(
          (r, e) -> {
            if (e instanceof CancellationException) {
              interruptWorker();
            }
          });
    }

    @Override
    public void run() {
      synchronized (this) {
        if (out.isDone()) {
          return;
        }
        worker = Thread.currentThread();
      }
      started = System.nanoTime();
      // The SDK's shared timer (as McpClient's): its thread lives only while something waits.
      Runnable withdrawTimeout =
          DaemonTimer.shared().schedule(this::timeOut, toolTimeout.toNanos());
      ToolResult result;
      try {
        ToolResult r = invoke(handler, call, arguments, argumentErrors);
        result = new ToolResult(call, r.content(), r.error(), elapsed());
      } catch (Exception e) {
        result = error(call, call.name() + " failed: " + describe(e), elapsed());
      } catch (Error e) {
        out.complete(error(call, call.name() + " failed: " + describe(e), elapsed()));
        throw e;
      } finally {
        withdrawTimeout.run();
        synchronized (this) {
          worker = null;
          // A timeout may have interrupted us after the handler returned: do not leak that
          // interrupt into the next task on this pooled thread.
          Thread.interrupted();
        }
      }
      out.complete(result);
    }

    private Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - started);
    }

    private void timeOut() {
      if (out.complete(
          error(
              call,
              call.name()
                  + " did not finish within "
                  + toolTimeout.toMillis()
                  + " ms and was cancelled",
              elapsed()))) {
        interruptWorker();
      }
    }

    private synchronized void interruptWorker() {
      if (worker != null) {
        worker.interrupt();
      }
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Runs one call of a registered tool; the model reads the result. */
  private ToolResult invoke(
      Registration r, ToolCall call, JsonValue arguments, AtomicInteger argumentErrors)
      throws Exception {
    String content;
    if (r instanceof Registration.Formula f) {
      OfficialTools.Answer a = OfficialTools.fiber(kimi, f.uri(), call, fiberPolling);
      if (a.error()) {
        return error(call, a.text(), Duration.ZERO);
      }
      content = a.text();
    } else if (r instanceof Registration.FromSource s) {
      ToolResult result = s.source().call(call, s.name(), arguments);
      if (result == null) {
        throw new IllegalStateException("the tool source " + s.source().name() + " answered null");
      }
      String text = result.content().isEmpty() ? "(no output)" : result.content();
      return result.error()
          ? error(call, text, Duration.ZERO)
          : new ToolResult(call, text, false, Duration.ZERO);
    } else if (r instanceof Registration.Plain p) {
      content = p.handler().call(arguments);
    } else if (r instanceof Registration.Bound<?> b) {
      Object bound;
      try {
        bound = Json.bind(arguments, b.type());
      } catch (RuntimeException e) {
        argumentErrors.incrementAndGet();
        return error(
            call,
            "the arguments of "
                + b.tool().name()
                + " do not fit its schema ("
                + describe(e)
                + "); call it again with arguments that follow the schema",
            Duration.ZERO);
      }
      content = render(b.apply(bound));
    } else {
      throw new AssertionError(r);
    }
    if (content == null || content.isEmpty()) {
      content = "(no output)";
    }
    return new ToolResult(call, content, false, Duration.ZERO);
  }

  /** A handler's result as text: a {@code String} as it is, anything else written as JSON. */
  private static String render(Object result) {
    if (result == null || result instanceof String) {
      return (String) result;
    }
    return Json.write(Json.toJson(result));
  }

  /**
   * Tools that come from elsewhere, declared anew before each step, each call answered by the
   * source: the tools of an MCP server ({@code McpToolset} of {@code kimi-sdk-mcp}), or any other
   * set a program discovers at run time. Implementations are thread-safe: a runner lists and calls
   * them from several threads.
   */
  public interface ToolSource {
    /**
     * Returns the source's name, put in front of a tool's name that another tool already has.
     *
     * @return the name, such as an MCP server's
     */
    String name();

    /**
     * Returns the tools as the model is to see them, with names and schemas Kimi accepts. Asked
     * before each step.
     *
     * @return the declarations
     * @throws RuntimeException when the source cannot list its tools: the run ends with {@link
     *     Outcome#FAILED} and the exception as {@link Result#error()}
     */
    List<FunctionTool> tools();

    /**
     * Runs one call of a tool this source declared. An error the tool reports is a result with
     * {@link ToolResult#error()} set and its text as {@link ToolResult#content()} (the runner puts
     * {@code "Error: "} in front); an exception is reported to the model as a failed call.
     *
     * @param call the model's call (its name is the one the model knows, which a clash may have
     *     changed)
     * @param name the tool's name as this source declared it
     * @param arguments the call's arguments, parsed
     * @return the result the model reads
     * @throws Exception on failure; the model reads the exception's class and message
     */
    ToolResult call(ToolCall call, String name, JsonValue arguments) throws Exception;
  }

  /** Handles a tool call: JSON arguments in, text out. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Runs the tool.
     *
     * @param arguments the call's arguments, parsed (usually a JSON object)
     * @return the result the model reads
     * @throws Exception on failure; the model reads the exception's class and message
     */
    String call(JsonValue arguments) throws Exception;
  }

  /**
   * Observes a run. All methods have empty defaults and are called on the thread running the loop.
   */
  public interface Listener {
    /**
     * Called before each model call.
     *
     * @param step the step, from 1
     * @param request the request about to be sent
     */
    default void onStep(int step, ChatRequest request) {}

    /**
     * Called with each piece of answer text as it streams (streaming mode only).
     *
     * @param step the step
     * @param text the piece, never empty
     */
    default void onText(int step, String text) {}

    /**
     * Called with each piece of reasoning as it streams (streaming mode only).
     *
     * @param step the step
     * @param text the piece, never empty
     */
    default void onReasoning(int step, String text) {}

    /**
     * Called with the model's whole reply of a step.
     *
     * @param step the step
     * @param completion the reply
     */
    default void onReply(int step, ChatCompletion completion) {}

    /**
     * Called with the usage of a step when the server reported one.
     *
     * @param step the step
     * @param stepUsage the tokens of this step
     * @param total the tokens of the run so far
     */
    default void onUsage(int step, Usage stepUsage, Usage total) {}

    /**
     * Called for each tool call before it starts.
     *
     * @param step the step
     * @param call the call
     */
    default void onToolCall(int step, ToolCall call) {}

    /**
     * Called for each result, in the order of the calls, once all calls of the step are done.
     *
     * @param step the step
     * @param result the result
     */
    default void onToolResult(int step, ToolResult result) {}
  }

  /**
   * Holds the result of one tool call, as sent back to the model.
   *
   * @param call the call
   * @param content the text the model reads
   * @param error whether the call failed (unknown tool, bad arguments, exception, timeout); {@code
   *     content} then starts with {@code "Error: "}
   * @param elapsed how long the handler ran; zero when no handler ran
   */
  public record ToolResult(ToolCall call, String content, boolean error, Duration elapsed) {

    /**
     * Validates the components.
     *
     * @param call the call
     * @param content the text the model reads
     * @param error whether the call failed
     * @param elapsed how long the handler ran
     * @throws NullPointerException if an argument is null
     */
    public ToolResult {
      Objects.requireNonNull(call, "call must not be null");
      Objects.requireNonNull(content, "content must not be null");
      Objects.requireNonNull(elapsed, "elapsed must not be null");
    }

    /**
     * Returns the tool message that answers the call, with the call's id and the tool's name.
     *
     * @return the message
     */
    public ToolMessage toMessage() {
      return new ToolMessage(
          call.id() == null ? "" : call.id(), call.name() == null ? "" : call.name(), content);
    }

    /** Returns the members that are set, {@code error} only when it is. */
    @Override
    public String toString() {
      return RecordText.of("ToolResult")
          .add("call", call)
          .add("content", content)
          .flag("error", error)
          .add("elapsed", elapsed)
          .toString();
    }
  }

  /** Says how a run ended. */
  public enum Outcome {
    /** The model answered without calling a tool. */
    ANSWERED,
    /** The step limit was reached while the model still called tools. */
    STEP_LIMIT,
    /**
     * The run stopped before a step that could have taken its cost past {@link
     * Builder#maxSpend(BigDecimal, Currency)}; the model had not answered yet.
     */
    SPEND_LIMIT,
    /**
     * The run stopped before a step that could have taken its tokens past {@link
     * Builder#maxTotalTokens(long)}; the model had not answered yet.
     */
    TOKEN_LIMIT,
    /**
     * A model call failed, a tool source could not list its tools, or the calling thread was
     * interrupted while tools ran (the open calls are then answered with error results); see {@link
     * Result#error()}.
     */
    FAILED
  }

  /**
   * Holds how a run ended.
   *
   * @param outcome how it ended
   * @param transcript every message: the request's, then each reply and tool message in order
   * @param newMessageIndex the index in {@code transcript} of the first message the run added
   * @param lastCompletion the last reply of the model; null when the first call failed
   * @param usage the tokens of all steps, summed; null when no step reported usage
   * @param steps the number of model calls made (or attempted, for a failure)
   * @param error why the run failed: a {@link KimiException} like every failure of a call (a {@link
   *     CancelledException} when the run was interrupted), or what a {@link ToolSource} threw when
   *     it could not list its tools (an {@code McpException} for an MCP server); null unless {@code
   *     outcome} is {@link Outcome#FAILED}
   * @param argumentErrors how many tool calls had arguments that were not valid JSON or did not
   *     bind to the tool's parameters; each was answered with an error so the model could call
   *     again
   * @param spend the tokens of all steps and their cost, priced with the client's {@link
   *     KimiClient#prices()}
   */
  public record Result(
      Outcome outcome,
      List<Message> transcript,
      int newMessageIndex,
      ChatCompletion lastCompletion,
      Usage usage,
      int steps,
      RuntimeException error,
      int argumentErrors,
      Spend spend) {

    /**
     * Copies the transcript.
     *
     * @param outcome how it ended
     * @param transcript every message
     * @param newMessageIndex the index of the first message the run added
     * @param lastCompletion the last reply; may be null
     * @param usage the summed tokens; may be null
     * @param steps the number of model calls
     * @param error why the run failed; may be null
     * @param argumentErrors how many tool calls had arguments that did not parse or bind
     * @param spend the tokens and cost of all steps; null is {@link Spend#NONE}
     * @throws NullPointerException if {@code outcome} or {@code transcript} is null
     */
    public Result {
      Objects.requireNonNull(outcome, "outcome must not be null");
      transcript = List.copyOf(transcript);
      spend = spend == null ? Spend.NONE : spend;
    }

    /**
     * Creates a result without a spend ({@link Spend#NONE}).
     *
     * @param outcome how it ended
     * @param transcript every message
     * @param newMessageIndex the index of the first message the run added
     * @param lastCompletion the last reply; may be null
     * @param usage the summed tokens; may be null
     * @param steps the number of model calls
     * @param error why the run failed; may be null
     * @param argumentErrors how many tool calls had arguments that did not parse or bind
     * @throws NullPointerException if {@code outcome} or {@code transcript} is null
     */
    public Result(
        Outcome outcome,
        List<Message> transcript,
        int newMessageIndex,
        ChatCompletion lastCompletion,
        Usage usage,
        int steps,
        RuntimeException error,
        int argumentErrors) {
      this(
          outcome,
          transcript,
          newMessageIndex,
          lastCompletion,
          usage,
          steps,
          error,
          argumentErrors,
          Spend.NONE);
    }

    /**
     * Creates a result with no argument errors counted.
     *
     * @param outcome how it ended
     * @param transcript every message
     * @param newMessageIndex the index of the first message the run added
     * @param lastCompletion the last reply; may be null
     * @param usage the summed tokens; may be null
     * @param steps the number of model calls
     * @param error why the run failed; may be null
     * @throws NullPointerException if {@code outcome} or {@code transcript} is null
     */
    public Result(
        Outcome outcome,
        List<Message> transcript,
        int newMessageIndex,
        ChatCompletion lastCompletion,
        Usage usage,
        int steps,
        RuntimeException error) {
      this(
          outcome, transcript, newMessageIndex, lastCompletion, usage, steps, error, 0, Spend.NONE);
    }

    /**
     * Returns the messages the run added: replies and tool messages.
     *
     * @return the new messages
     */
    public List<Message> newMessages() {
      return transcript.subList(newMessageIndex, transcript.size());
    }

    /**
     * Returns the model's final answer.
     *
     * @return the text of the last reply when the model answered, else {@code ""}
     */
    public String text() {
      return outcome == Outcome.ANSWERED && lastCompletion != null ? lastCompletion.text() : "";
    }

    /**
     * Returns how the run ended, as {@code Result[outcome=ANSWERED, steps=2, transcript=5 messages,
     * ...]}: the transcript by its size (its messages are the caller's to print), the last reply
     * not at all (it is the transcript's last message, its tokens in the spend), the summed usage
     * only when there is no spend to show it, and argument errors only when there were some.
     */
    @Override
    public String toString() {
      return RecordText.of("Result")
          .add("outcome", outcome)
          .add("steps", steps)
          .add("transcript", transcript.size() + " messages")
          .add("newMessageIndex", newMessageIndex)
          .add("argumentErrors", argumentErrors == 0 ? null : argumentErrors)
          .add("error", error)
          .add("usage", spend.equals(Spend.NONE) ? usage : null)
          .add("spend", spend.equals(Spend.NONE) ? null : spend)
          .toString();
    }
  }

  /** Builds a {@link ToolRunner}. Not thread-safe. */
  public static final class Builder {
    private final KimiClient kimi;
    private final Map<String, Registration> handlers = new LinkedHashMap<>();
    private final List<Tool> builtins = new ArrayList<>();
    private final List<ToolSource> sources = new ArrayList<>();
    private int maxSteps = DEFAULT_MAX_STEPS;
    private int parallelism = DEFAULT_PARALLELISM;
    private Duration toolTimeout = DEFAULT_TOOL_TIMEOUT;
    private boolean streaming;
    private CacheTtl promptCacheTtl;
    private Listener listener = new Listener() {};
    private int fiberPolls = DEFAULT_FIBER_POLLS;
    private Duration fiberWait = DEFAULT_FIBER_WAIT;
    private Scheduler time;
    private BigDecimal maxSpend;
    private Currency spendCurrency;
    private long maxTotalTokens;

    private Builder(KimiClient kimi) {
      this.kimi = kimi;
    }

    private Builder register(Registration r) {
      String name = r.tool().name();
      if (handlers.containsKey(name)) {
        throw new IllegalArgumentException("a tool named \"" + name + "\" is already registered");
      }
      handlers.put(name, r);
      return this;
    }

    /**
     * Registers a function tool and its handler.
     *
     * @param tool the declaration sent to the model
     * @param handler runs the tool: arguments in, text out
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a tool with that name is already registered
     */
    public Builder tool(FunctionTool tool, Handler handler) {
      Objects.requireNonNull(tool, "tool must not be null");
      Objects.requireNonNull(handler, "handler must not be null");
      return register(new Registration.Plain(tool, handler));
    }

    /**
     * Registers a function tool built from a name, description and schema, and its handler: the
     * same as {@code tool(Tool.function(name, description, parameters.toJson()), handler)}. A
     * schema you hold as JSON (from an MCP server, a file) becomes a {@link JsonSchema} with {@link
     * JsonSchema#of(JsonValue)}.
     *
     * @param name the function name, matching {@link FunctionTool#NAME_PATTERN}
     * @param description what the tool does, for the model
     * @param parameters the schema of the arguments
     * @param handler runs the tool: arguments in, text out
     * @return this builder
     * @throws NullPointerException if {@code name}, {@code parameters} or {@code handler} is null
     * @throws IllegalArgumentException if the name is invalid or already registered
     */
    public Builder tool(String name, String description, JsonSchema parameters, Handler handler) {
      Objects.requireNonNull(parameters, "parameters must not be null");
      return tool(Tool.function(name, description, parameters.toJson()), handler);
    }

    /**
     * Registers a function tool from a name, description and a schema held as JSON (from an MCP
     * server, a file), and its handler: the same arguments {@link Tool#function(String, String,
     * JsonValue)} takes, so a declaration moves into a runner unchanged.
     *
     * @param name the function name, matching {@link FunctionTool#NAME_PATTERN}
     * @param description what the tool does, for the model
     * @param parameters the JSON Schema of the arguments (an object schema)
     * @param handler runs the tool: arguments in, text out
     * @return this builder
     * @throws NullPointerException if {@code name}, {@code parameters} or {@code handler} is null
     * @throws IllegalArgumentException if the name is invalid or already registered, or the schema
     *     breaks Kimi's rules (the message names the path)
     */
    public Builder tool(String name, String description, JsonValue parameters, Handler handler) {
      Objects.requireNonNull(parameters, "parameters must not be null");
      return tool(Tool.function(name, description, parameters), handler);
    }

    /**
     * Registers a function tool whose arguments are a record: the schema is {@link
     * JsonSchema#of(Class)}, the model's arguments are bound to the record with {@link
     * Json#bind(JsonValue, Class)}, and the handler's result goes back as text: a {@code String} as
     * it is, anything else (a record, a list, a number, a {@code JsonValue}) written as JSON with
     * {@link Json#toJson(Object)}; {@code null} becomes {@code "(no output)"}.
     *
     * <pre>{@code
     * record Forecast(
     *     String city,
     *     @Description("days ahead, 1 to 7") int days,
     *     @JsonOptional Unit unit) {}
     * enum Unit { CELSIUS, FAHRENHEIT }
     *
     * builder.tool("get_forecast", "Weather forecast for a city", Forecast.class,
     *     f -> weatherService.forecast(f.city(), f.days()));
     * }</pre>
     *
     * <p>Arguments that do not bind (a missing component, a string for a number, a value the
     * record's constructor rejects) are not an exception: the call is answered with an error naming
     * the JSON path and the component, so the model can call again, and the run counts it in {@link
     * Result#argumentErrors()}.
     *
     * @param <P> the record type of the arguments
     * @param name the function name, matching {@link FunctionTool#NAME_PATTERN}
     * @param description what the tool does, for the model
     * @param parameters the record class of the arguments
     * @param handler runs the tool with the bound arguments
     * @return this builder
     * @throws NullPointerException if {@code name}, {@code parameters} or {@code handler} is null
     * @throws IllegalArgumentException if the name is invalid or already registered, or no schema
     *     can be derived from {@code parameters} (see {@link JsonSchema#of(Class)})
     */
    public <P> Builder tool(
        String name, String description, Class<P> parameters, Function<? super P, ?> handler) {
      Objects.requireNonNull(parameters, "parameters must not be null");
      Objects.requireNonNull(handler, "handler must not be null");
      FunctionTool tool = Tool.function(name, description, JsonSchema.of(parameters).toJson());
      return register(new Registration.Bound<>(tool, parameters, handler));
    }

    /**
     * Declares Kimi's built-in {@code $web_search}; the runner answers its calls by echoing the
     * arguments, as Kimi documents. Kimi's docs say it needs thinking disabled. It fails on Kimi's
     * side with {@code kimi-k3}: there, and for new code, use the official web search formula
     * instead, {@code formula("moonshot/web-search:latest")} (see {@link #formula(String)}).
     *
     * @return this builder
     */
    public Builder webSearch() {
      return builtin(Tool.webSearch());
    }

    /**
     * Declares one of Kimi's built-in tools; the runner answers its calls by echoing the arguments.
     *
     * @param tool the built-in tool
     * @return this builder
     * @throws NullPointerException if {@code tool} is null
     */
    public Builder builtin(BuiltinTool tool) {
      Objects.requireNonNull(tool, "tool must not be null");
      if (!builtins.contains(tool)) {
        builtins.add(tool);
      }
      return this;
    }

    /**
     * Offers the tools of one of Kimi's official formulas (such as {@code
     * moonshot/web-search:latest} or {@code moonshot/date:latest}) beside the local tools: their
     * declarations are fetched now ({@code GET /formulas/{uri}/tools}, which answers {@code
     * {"tools":[...]}}) and each call the model makes runs on Kimi as a fiber ({@code POST
     * /formulas/{uri}/fibers} with the call's name and its {@code arguments} string exactly as the
     * model wrote it). The fiber's {@code encrypted_output} (what protected formulas such as web
     * search answer, readable by the model only) or else its {@code output} is handed back to the
     * model as it is; a failed fiber's error comes back as an error result. A fiber that answers
     * {@code pending} is polled ({@code GET /formulas/{uri}/fibers/{id}}, the SDK's reading of
     * Kimi's REST shape, which its docs do not show) within the bounds of {@link #fiberPolling(int,
     * Duration)}. The calls go through {@code kimi}: key, retries, rate limiter and errors.
     *
     * <p>The web search formula is the way to search the web with {@code kimi-k3}, where the
     * built-in {@code $web_search} ({@link #webSearch()}) fails:
     *
     * <pre>{@code
     * ToolRunner runner = ToolRunner.builder(kimi).formula("moonshot/web-search:latest").build();
     * }</pre>
     *
     * @param uri the formula URI, as Kimi's official tools page lists it
     * @return this builder
     * @throws NullPointerException if {@code uri} is null
     * @throws IllegalArgumentException if the URI is malformed, or a tool name is already
     *     registered
     * @throws IllegalStateException if the formula declares no function tools
     * @throws KimiException if the declarations cannot be fetched
     */
    public Builder formula(String uri) {
      Objects.requireNonNull(uri, "uri must not be null");
      for (FunctionTool tool : OfficialTools.formula(kimi, uri)) {
        register(new Registration.Formula(tool, uri));
      }
      return this;
    }

    /**
     * Offers Kimi Code's web search to the model as the function {@code search_web} (query, an
     * optional limit), run by {@link io.github.kimisdk.KimiCode#search}. The client must talk to
     * Kimi Code ({@link io.github.kimisdk.Endpoint#KIMI_CODE}).
     *
     * @return this builder
     * @throws IllegalArgumentException if a tool named {@code search_web} is already registered
     */
    public Builder kimiCodeSearch() {
      io.github.kimisdk.KimiCode code = kimi.kimiCode();
      return tool(OfficialTools.searchTool(), args -> OfficialTools.search(code, args));
    }

    /**
     * Offers Kimi Code's page fetching to the model as the function {@code fetch_url}, run by
     * {@link io.github.kimisdk.KimiCode#fetch}. The client must talk to Kimi Code.
     *
     * @return this builder
     * @throws IllegalArgumentException if a tool named {@code fetch_url} is already registered
     */
    public Builder kimiCodeFetch() {
      io.github.kimisdk.KimiCode code = kimi.kimiCode();
      return tool(OfficialTools.fetchTool(), args -> OfficialTools.fetch(code, args));
    }

    /**
     * Offers the tools of a source to the model, beside the local tools: the tools of an MCP server
     * through {@code McpToolset} ({@code kimi-sdk-mcp}), or any other. The source's list is read
     * before each step; a tool whose name is taken is renamed (see the class comment). The runner
     * does not close the source.
     *
     * <pre>{@code
     * try (McpClient everything = McpClient.stdio(List.of("npx", "-y", "@modelcontextprotocol/server-everything"))) {
     *   ToolRunner runner = ToolRunner.builder(kimi).tools(McpToolset.of(everything)).build();
     * }
     * }</pre>
     *
     * @param source the tools and what answers their calls
     * @return this builder
     * @throws NullPointerException if {@code source} is null
     * @throws IllegalArgumentException if the source was already added
     */
    public Builder tools(ToolSource source) {
      Objects.requireNonNull(source, "source must not be null");
      for (ToolSource s : sources) {
        if (s.equals(source)) {
          throw new IllegalArgumentException(
              "the tool source " + source.name() + " is already added");
        }
      }
      sources.add(source);
      return this;
    }

    /**
     * Sets the step limit: the most model calls in one run.
     *
     * @param maxSteps at least 1; default {@value ToolRunner#DEFAULT_MAX_STEPS}
     * @return this builder
     * @throws IllegalArgumentException if {@code maxSteps} is below 1
     */
    public Builder maxSteps(int maxSteps) {
      atLeastOne(maxSteps, "maxSteps");
      this.maxSteps = maxSteps;
      return this;
    }

    /**
     * Sets a spend limit: the run stops, with {@link Outcome#SPEND_LIMIT}, before a step whose
     * worst case could take the run's cost past {@code amount}. The worst case of a step is its
     * prompt as the SDK's estimator counts it ({@link io.github.kimisdk.token.RequestTokens}), all
     * billed at the cache-miss price, plus its whole output cap ({@code maxCompletionTokens}, else
     * the model's default output in the client's catalog) at the output price. Set {@code
     * maxCompletionTokens} on the request to make the estimate tighter. The client's price table
     * ({@link KimiClient#prices()}) must price the request's model in {@code currency}, or {@link
     * #run} throws.
     *
     * <pre>{@code
     * ToolRunner runner = ToolRunner.builder(kimi)
     *     .tool("add", "Adds a and b", schema, handler)
     *     .maxSpend(new BigDecimal("0.50"), Currency.getInstance("USD"))
     *     .build();
     * }</pre>
     *
     * @param amount the most the run may cost, not negative
     * @param currency the currency of {@code amount}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code amount} is negative
     */
    public Builder maxSpend(BigDecimal amount, Currency currency) {
      Objects.requireNonNull(amount, "amount must not be null");
      Objects.requireNonNull(currency, "currency must not be null");
      if (amount.signum() < 0) {
        throw new IllegalArgumentException("maxSpend must not be negative: " + amount);
      }
      this.maxSpend = amount;
      this.spendCurrency = currency;
      return this;
    }

    /**
     * Sets a token limit: the run stops, with {@link Outcome#TOKEN_LIMIT}, before a step whose
     * estimated prompt and whole output cap (as for {@link #maxSpend}) could take the run's prompt
     * and completion tokens, summed over its steps, past {@code maxTotalTokens}.
     *
     * @param maxTotalTokens the most tokens a run may use, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxTotalTokens} is below 1
     */
    public Builder maxTotalTokens(long maxTotalTokens) {
      atLeastOne(maxTotalTokens, "maxTotalTokens");
      this.maxTotalTokens = maxTotalTokens;
      return this;
    }

    /**
     * Sets how many tool calls of one turn run at once.
     *
     * @param parallelism at least 1; default {@value ToolRunner#DEFAULT_PARALLELISM}
     * @return this builder
     * @throws IllegalArgumentException if {@code parallelism} is below 1
     */
    public Builder parallelism(int parallelism) {
      atLeastOne(parallelism, "parallelism");
      this.parallelism = parallelism;
      return this;
    }

    /**
     * Sets how long one tool call may run, counted from when it starts; a call that runs longer is
     * interrupted and reported to the model as an error.
     *
     * @param toolTimeout positive; default 60 seconds
     * @return this builder
     * @throws NullPointerException if {@code toolTimeout} is null
     * @throws IllegalArgumentException if {@code toolTimeout} is not positive
     */
    public Builder toolTimeout(Duration toolTimeout) {
      Objects.requireNonNull(toolTimeout, "toolTimeout must not be null");
      if (toolTimeout.isZero() || toolTimeout.isNegative()) {
        throw new IllegalArgumentException("toolTimeout must be positive: " + toolTimeout);
      }
      this.toolTimeout = toolTimeout;
      return this;
    }

    /**
     * Sets the prompt cache time to live of every step whose request sets none (default none: the
     * client's, else Kimi's five minutes). A loop resends a growing history step after step, so its
     * prefix is read back at once; {@link CacheTtl#ONE_HOUR} pays when tools run for minutes. The
     * run's spend and spend limit price its cache writes at it.
     *
     * @param ttl the time to live; null to ask for nothing
     * @return this builder
     */
    public Builder promptCacheTtl(CacheTtl ttl) {
      this.promptCacheTtl = ttl;
      return this;
    }

    /**
     * Sets whether each step is streamed, handing text to {@link Listener#onText(int, String)} as
     * it arrives.
     *
     * @param streaming true to stream; default false
     * @return this builder
     */
    public Builder streaming(boolean streaming) {
      this.streaming = streaming;
      return this;
    }

    /**
     * Bounds the wait for a fiber of one of Kimi's official tools ({@link #formula(String)}) that
     * answers {@code "status": "pending"}: the runner polls it, first after 0.5 s, then after twice
     * the previous wait up to 4 s, until it finishes, {@code maxPolls} polls were made, or {@code
     * maxWait} passed since its first answer. A fiber still pending then is answered with an error
     * result naming the fiber, so the model knows the call did not finish. The tool timeout ({@link
     * #toolTimeout(Duration)}) still ends the whole call, so keep {@code maxWait} below it.
     *
     * @param maxPolls the most polls, 0 to not wait at all; default {@value
     *     ToolRunner#DEFAULT_FIBER_POLLS}
     * @param maxWait the most time to wait; default 30 seconds
     * @return this builder
     * @throws NullPointerException if {@code maxWait} is null
     * @throws IllegalArgumentException if {@code maxPolls} or {@code maxWait} is negative
     */
    public Builder fiberPolling(int maxPolls, Duration maxWait) {
      Objects.requireNonNull(maxWait, "maxWait must not be null");
      if (maxPolls < 0) {
        throw new IllegalArgumentException("maxPolls must be 0 or more: " + maxPolls);
      }
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
      }
      this.fiberPolls = maxPolls;
      this.fiberWait = maxWait;
      return this;
    }

    /** Replaces the clock and delayer of the waits between fiber polls; for tests. */
    Builder scheduler(Scheduler time) {
      this.time = Objects.requireNonNull(time, "time");
      return this;
    }

    /**
     * Sets the listener.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener must not be null");
      return this;
    }

    /**
     * Builds the runner.
     *
     * @return the runner
     */
    public ToolRunner build() {
      return new ToolRunner(this);
    }

    private static void atLeastOne(long value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1: " + value);
      }
    }
  }
}
