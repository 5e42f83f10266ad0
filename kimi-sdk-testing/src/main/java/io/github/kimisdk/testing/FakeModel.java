package io.github.kimisdk.testing;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The deterministic "model" behind {@link FakeKimiServer} when nothing is scripted. */
final class FakeModel {

  /**
   * The order the fake lists its models in, first the one the examples use: today's Open Platform
   * lineup, then Kimi Code's ids. Which models are served is not decided here (see {@link
   * #served()}): an id the table retires drops out, one it adds is listed after these.
   */
  private static final List<String> LISTING_ORDER =
      List.of(
          "kimi-k3",
          "kimi-k3.1-pro",
          "kimi-k3.1-pro-highspeed",
          "kimi-k2.6",
          "kimi-k2.7-code",
          "kimi-k2.7-code-highspeed",
          "kimi-for-coding",
          "kimi-for-coding-highspeed",
          "k3",
          "k3-256k");

  /**
   * Returns the models the fake lists and answers by default: every model of the core's table
   * ({@link ModelCatalog#defaults()}) that Moonshot has not retired, in {@link #LISTING_ORDER}. The
   * retired ones (kimi-k2.5, moonshot-v1-*, kimi-latest, the K2 previews) get Kimi's 404 unless a
   * test lists one ({@code addModel}).
   */
  static List<ModelInfo> served() {
    List<ModelInfo> out = new ArrayList<>();
    for (ModelInfo m : ModelCatalog.defaults().models()) {
      if (m.retirement().isEmpty()) {
        out.add(m);
      }
    }
    out.sort(
        java.util.Comparator.comparingInt(
            m -> {
              int i = LISTING_ORDER.indexOf(m.id());
              return i < 0 ? LISTING_ORDER.size() : i;
            }));
    return out;
  }

  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();
  private static final AtomicLong ERRORS = new AtomicLong(); // numbers the errors' request ids
  final FakeTokenCounter tokenCounter = new FakeTokenCounter();
  private final FakePromptCache promptCache = new FakePromptCache();
  final Map<String, ModelInfo> models = new java.util.concurrent.ConcurrentHashMap<>();
  final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
  volatile boolean lenient;
  volatile FakeKimiServer.ToolCallIds toolCallIds = FakeKimiServer.ToolCallIds.UNIQUE;
  volatile FakeKimiServer.StreamedToolCallIds streamedIds = FakeKimiServer.StreamedToolCallIds.SENT;
  volatile long maxRequestBytes; // 0: no limit on a body's size

  FakeModel(Clock clock) {
    this.clock = clock;
    served().forEach(this::addModel);
  }

  void addModel(ModelInfo info) {
    if (models.put(info.id(), info) == null) {
      order.add(info.id());
    }
  }

  void clearModels() {
    models.clear();
    order.clear();
  }

  FakeResponse respond(RecordedRequest request) {
    return respond(request, null, null, true);
  }

  /**
   * Answers a request; {@code idsOverride} overrides how a stream sends tool call ids (null: as the
   * server is set); {@code scripted} says what the model says instead of its own answer, or is
   * null; {@code moonshotHistory}: a thinking model's history without {@code reasoning_content} is
   * refused as Moonshot's API refuses it (another host renders the history it is given).
   */
  FakeResponse respond(
      RecordedRequest request,
      FakeKimiServer.StreamedToolCallIds idsOverride,
      FakeResponse.Answer scripted,
      boolean moonshotHistory) {
    String path = request.path();
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    String auth = request.header("Authorization").orElse("");
    if (!auth.startsWith("Bearer ") || auth.substring(7).isBlank()) {
      return error(401, "invalid_authentication_error", "Invalid Authentication");
    }
    if (path.equals("/v1/chat/completions") && request.method().equals("POST")) {
      return chat(request, idsOverride, scripted, moonshotHistory);
    }
    if (path.equals("/v1/models") && request.method().equals("GET")) {
      return models();
    }
    if (path.equals("/v1/tokenizers/estimate-token-count") && request.method().equals("POST")) {
      return tokenCounter.respond(request);
    }
    return error(404, "resource_not_found_error", "Not found the path " + path);
  }

  private FakeResponse chat(
      RecordedRequest request,
      FakeKimiServer.StreamedToolCallIds idsOverride,
      FakeResponse.Answer scripted,
      boolean moonshotHistory) {
    long limit = maxRequestBytes;
    if (limit > 0 && request.body().length > limit) {
      // Kimi Code's words for a body over its limit (kimi-api.md 4.2.1)
      return error(
          400,
          "invalid_request_error",
          "total message size " + request.body().length + " exceeds limit " + limit);
    }
    JsonValue parsed = request.json();
    if (!(parsed instanceof JsonObject sent)) {
      return error(400, "invalid_request_error", "Invalid request: the body is not a JSON object");
    }
    String model = sent.get("model") instanceof JsonString s ? s.value() : null;
    if (model == null || model.isBlank()) {
      return error(400, "invalid_request_error", "Invalid request: model is required");
    }
    if (!(sent.get("messages") instanceof JsonArray messages) || messages.values().isEmpty()) {
      return error(400, "invalid_request_error", "Invalid request: messages must not be empty");
    }
    ModelInfo info = models.get(model);
    if (info == null) {
      if (!lenient) {
        return error(
            404,
            "resource_not_found_error",
            "Not found the model " + model + " or Permission denied");
      }
      info = ModelCatalog.defaults().lookup(model);
    }
    // what Kimi takes and does nothing with: answered as if absent, and noted for --verbose
    List<FakeRules.Ignored> ignored = FakeRules.ignored(sent, info, moonshotHistory);
    request.ignored(ignored);
    JsonObject body = FakeRules.judged(sent, ignored);
    FakeRules.Thinking asked = FakeRules.Thinking.of(body);
    boolean thinking = asked.thinks(info);
    boolean k3 = FakeRules.k3(info);
    // KVV test_dynamic_tool_in_subsequent_system_message: K3 takes an assistant message without
    // reasoning_content (and without tool calls) in its history, though it preserves thinking
    boolean preserved = !k3 && (info.preservedThinking() || "all".equals(asked.keep()));
    FakeResponse invalid = lenient ? null : FakeRules.sampling(body, info, thinking);
    if (invalid == null && !lenient) {
      invalid = FakeRules.thinking(asked, info);
    }
    if (invalid == null && !lenient) {
      invalid = FakeRules.media(messages, info);
    }
    if (invalid == null) {
      invalid = checkTools(body, info, asked);
    }
    if (invalid == null) {
      invalid = FakeRules.dynamicTools(body, messages, info, lenient);
    }
    if (invalid == null && !lenient && k3) {
      invalid = FakeRules.toolChoice(body);
    }
    if (invalid == null && !lenient) {
      invalid = FakeRules.responseFormat(body);
    }
    if (invalid == null && !lenient) {
      invalid = FakeRules.toolSchemas(body, info);
    }
    if (invalid == null) {
      invalid = checkHistory(messages);
    }
    if (invalid == null && moonshotHistory) {
      invalid = FakeRules.reasoning(messages, thinking, preserved && !lenient);
    }
    if (invalid != null) {
      return invalid;
    }
    // the reasoning of earlier turns counts where it is kept: K3 keeps all, as does keep "all"
    boolean historyReasoning =
        thinking && (k3 || info.preservedThinking() || "all".equals(asked.keep()));
    int promptTokens;
    try {
      promptTokens = tokenCounter.countPrompt(body, historyReasoning);
    } catch (RuntimeException e) {
      return FakeRules.unreadable(e);
    }
    long cap = body.get("max_completion_tokens") instanceof JsonNumber n ? n.longValue() : -1;
    if (cap < 0 && body.get("max_tokens") instanceof JsonNumber n) {
      cap = n.longValue();
    }
    if (!lenient && (long) promptTokens + Math.max(0, cap) > info.contextWindow()) {
      return error(
          400,
          "invalid_request_error",
          "Invalid request: Your request exceeded model token limit: " + info.contextWindow());
    }
    int choices = body.get("n") instanceof JsonNumber nn ? Math.max(1, nn.intValue()) : 1;
    // the task: the last user message, or the one before a summary the model wrote of the work
    String userText = progress(messages.values(), messages.size()).task();
    // a reply to continue (Kimi's partial mode): the model goes on after the prefix, calling no
    // tool and thinking no more, and does not repeat it
    String prefix = FakeContinuation.prefix(messages);
    boolean summary =
        scripted == null && prefix == null && asksForSummary(body, lastUserText(messages));
    List<Call> calls =
        scripted != null
            ? scripted(scripted, messages)
            : prefix != null || summary ? List.of() : plan(body, messages, userText);
    List<String> reasoning;
    List<String> content;
    if (scripted != null && scripted.text() != null) {
      reasoning = thinking ? pieces("I will answer with the reply I was given.") : List.of();
      content = pieces(scripted.text());
    } else if (summary) {
      reasoning = thinking ? pieces("I will summarize the work so far.") : List.of();
      content = pieces(summarize(messages.values()));
    } else if (prefix != null && calls.isEmpty()) {
      reasoning = List.of();
      String reply = structured(body, answer(messages, userText), userText);
      content = pieces(FakeContinuation.rest(reply, prefix));
    } else if (!calls.isEmpty()) {
      List<String> names = new ArrayList<>();
      calls.forEach(c -> names.add(c.name));
      reasoning = thinking ? pieces("I will call " + String.join(" and ", names) + ".") : List.of();
      content = List.of();
    } else {
      String reply = structured(body, answer(messages, userText), userText);
      reasoning =
          thinking
              ? pieces("The user wrote \"" + userText + "\". I will repeat it back.")
              : List.of();
      content = pieces(reply);
    }
    String finish = calls.isEmpty() ? "stop" : "tool_calls";
    if (calls.isEmpty() && cap >= 0) {
      List<String> keptReasoning = fit(reasoning, cap);
      List<String> keptContent =
          fit(content, cap - tokenCounter.countText(String.join("", keptReasoning)));
      if (keptReasoning.size() < reasoning.size() || keptContent.size() < content.size()) {
        finish = "length";
      }
      reasoning = keptReasoning;
      content = keptContent;
    }
    int reasoningTokens = tokenCounter.countText(String.join("", reasoning));
    int completionTokens = reasoningTokens + tokenCounter.countText(String.join("", content));
    for (Call c : calls) {
      completionTokens += tokenCounter.countText(c.name + c.arguments);
    }
    int cachedTokens = promptCache.cachedTokens(body, promptTokens, tokenCounter, historyReasoning);
    Usage usage =
        new Usage(
            promptTokens, cachedTokens, completionTokens * choices, reasoningTokens * choices);
    long created = clock.millis() / 1000;
    long seq = sequence.incrementAndGet();
    String id = String.format("chatcmpl-%08x%016x", created, seq * 0x9E3779B97F4A7C15L);
    boolean stream = body.get("stream") instanceof JsonBoolean b && b.value();
    String requestId = String.format("fake-%08x-%d", created, seq);
    if (!stream) {
      return FakeResponse.json(
              completion(
                  id,
                  created,
                  model,
                  String.join("", content),
                  reasoning,
                  calls,
                  finish,
                  usage,
                  choices))
          .withHeader("Msh-Request-Id", requestId);
    }
    boolean includeUsage =
        body.get("stream_options") instanceof JsonObject so
            && so.get("include_usage") instanceof JsonBoolean iu
            && iu.value();
    FakeResponse.SseBuilder sse = FakeResponse.sse();
    for (int choice = 0; choice < choices; choice++) {
      int ci = choice;
      // a chunk of this choice that carries only a delta
      Consumer<DeltaWriter> delta = d -> sse.data(chunk(id, created, model, ci, d, null, null));
      delta.accept(w -> w.name("role").value("assistant").name("content").value(""));
      for (String r : reasoning) {
        delta.accept(w -> w.name("reasoning_content").value(r));
      }
      for (String c : content) {
        delta.accept(w -> w.name("content").value(c));
      }
      for (int i = 0; i < calls.size(); i++) {
        Call call = calls.get(i);
        int index = i;
        int half = call.arguments.length() / 2;
        delta.accept(
            w -> {
              w.name("tool_calls").beginArray().beginObject();
              w.name("index").value(index);
              switch (idsOverride != null ? idsOverride : streamedIds) {
                case SENT -> w.name("id").value(call.id);
                case BLANK -> w.name("id").value("");
                case OMITTED -> {}
              }
              w.name("type").value("function").name("function").beginObject();
              w.name("name").value(call.name).name("arguments").value("");
              w.endObject().endObject().endArray();
            });
        for (String part :
            List.of(call.arguments.substring(0, half), call.arguments.substring(half))) {
          delta.accept(
              w -> {
                w.name("tool_calls").beginArray().beginObject();
                w.name("index").value(index).name("function").beginObject();
                w.name("arguments").value(part).endObject();
                w.endObject().endArray();
              });
        }
      }
      // Kimi puts usage inside the finishing choice; with n > 1 the last one carries the total
      sse.data(chunk(id, created, model, ci, w -> {}, finish, ci == choices - 1 ? usage : null));
    }
    if (includeUsage) {
      JsonWriter w = new JsonWriter();
      header(w, id, created, model, "chat.completion.chunk");
      w.name("choices").beginArray().endArray();
      w.name("usage");
      usage.write(w);
      w.endObject();
      sse.data(w.toString());
    }
    return sse.done().build().withHeader("Msh-Request-Id", requestId);
  }

  /** The longest prefix of {@code pieces} whose text fits {@code budget} tokens. */
  private List<String> fit(List<String> pieces, long budget) {
    int keep = 0;
    StringBuilder text = new StringBuilder();
    while (keep < pieces.size()) {
      text.append(pieces.get(keep));
      if (tokenCounter.countText(text.toString()) > budget) {
        break;
      }
      keep++;
    }
    return pieces.subList(0, keep);
  }

  // ---- tools: Kimi's strict checks, then a deterministic plan of calls ----

  private static final Pattern THEN = Pattern.compile("(?i)\\bthen\\b");
  private static final Pattern WORD_SPLIT =
      Pattern.compile("[^\\p{L}\\p{N}]+|(?<=\\p{Ll})(?=\\p{Lu})");
  private static final Pattern ASSIGNMENT =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|[^\\s,;]+)");

  /** A tool call the fake model makes. */
  private record Call(String id, String name, String arguments) {}

  private static FakeResponse invalid(String message) {
    return error(400, "invalid_request_error", message);
  }

  private static FakeResponse checkTools(
      JsonObject body, ModelInfo info, FakeRules.Thinking asked) {
    JsonValue tools = body.get("tools");
    if (tools instanceof JsonArray list) {
      if (list.size() > ChatRequest.MAX_TOOLS) {
        return invalid(
            "Invalid request: too many tools: "
                + list.size()
                + " (at most "
                + ChatRequest.MAX_TOOLS
                + " are allowed)");
      }
      Set<String> names = new HashSet<>();
      for (JsonValue t : list.values()) {
        String type =
            t instanceof JsonObject o && o.get("type") instanceof JsonString ts ? ts.value() : "";
        String name = toolName(t);
        if (type.equals("builtin_function")) {
          if (!name.startsWith("$")) {
            return invalid("Invalid request: builtin function name " + name + " is invalid");
          }
        } else if (!type.equals("function")) {
          return invalid("Invalid request: unsupported tool type " + type);
        } else if (!FakeRules.TOOL_NAME.matcher(name).matches()) {
          return invalid(
              "Invalid request: function name "
                  + name
                  + " is invalid, it must match ^[a-zA-Z_][a-zA-Z0-9-_]{2,63}$");
        }
        if (!names.add(name)) {
          return invalid("function name " + name + " is duplicated");
        }
      }
    }
    JsonValue choice = body.get("tool_choice");
    if (!asked.takesToolChoice(info, choice)) {
      return invalid(
          "tool_choice '"
              + (choice instanceof JsonObject ? "specified" : "required")
              + "' is incompatible with thinking enabled");
    }
    return null;
  }

  private static FakeResponse checkHistory(JsonArray messages) {
    Map<String, String> open = new LinkedHashMap<>();
    Map<String, String> webSearchArguments = new HashMap<>();
    List<JsonValue> all = messages.values();
    for (int i = 0; i < all.size(); i++) {
      if (!(all.get(i) instanceof JsonObject m)) {
        return invalid("Invalid request: every message must be an object");
      }
      String role = m.get("role") instanceof JsonString r ? r.value() : "";
      if (!role.equals("tool") && !open.isEmpty()) {
        return unanswered(open);
      }
      if (role.equals("assistant") && m.get("tool_calls") instanceof JsonArray calls) {
        for (JsonValue c : calls.values()) {
          String callId =
              c instanceof JsonObject co && co.get("id") instanceof JsonString id ? id.value() : "";
          String name = toolName(c);
          open.put(callId, name);
          if (name.equals("$web_search")) {
            webSearchArguments.put(callId, arguments(c));
          }
        }
      } else if (role.equals("tool")) {
        if (!(m.get("tool_call_id") instanceof JsonString)) {
          // KVV test_tool_role_without_tool_call_id_rejected
          return invalid(
              "Invalid request: the tool message at index "
                  + i
                  + " has no tool_call_id; set it to the id of the tool call it answers");
        }
        String callId = m.get("tool_call_id") instanceof JsonString id ? id.value() : "";
        if (open.remove(callId) == null) {
          return invalid(
              "Invalid request: tool_call_id " + callId + " does not answer an open tool call");
        }
        String echoed = webSearchArguments.get(callId);
        if (echoed != null
            && !(m.get("content") instanceof JsonString s && s.value().equals(echoed))) {
          return invalid(
              "Invalid request: the $web_search tool message must carry the call's arguments"
                  + " unchanged");
        }
      }
    }
    // A call left without its result, at the end of the history too, as Kimi refuses it.
    return open.isEmpty() ? null : unanswered(open);
  }

  /** Kimi's (and OpenAI's) refusal of tool calls without their results. */
  private static FakeResponse unanswered(Map<String, String> open) {
    return invalid(
        "Invalid request: an assistant message with 'tool_calls' must be followed by tool messages"
            + " responding to each 'tool_call_id'. The following tool_call_ids did not have"
            + " response messages: "
            + String.join(", ", open.keySet()));
  }

  private static String toolName(JsonValue toolOrCall) {
    return FakeRules.toolName(toolOrCall);
  }

  private static String arguments(JsonValue call) {
    if (call instanceof JsonObject o
        && o.get("function") instanceof JsonObject f
        && f.get("arguments") instanceof JsonString a) {
      return a.value();
    }
    return "";
  }

  /**
   * Decides the tool calls of this turn, among the tools the request declares (its {@code tools},
   * then those system messages declare). Tools named in the last user message are called in the
   * order named; "then" separates turns, and tools named in one turn are called in parallel. With
   * no tool named, the tool whose name shares most words with the message is called once ({@code
   * get_weather} for "what is the weather?"), or else the first declared. A turn is due while fewer
   * assistant tool-call messages follow the last user message than there are turns; after a summary
   * of its own ({@link #summarize}), the task is the user message before it and the turns it counts
   * are done.
   */
  private List<Call> plan(JsonObject body, JsonArray messages, String userText) {
    List<JsonObject> tools = FakeRules.declaredTools(body);
    if (tools.isEmpty()) {
      return List.of();
    }
    JsonValue choice = body.get("tool_choice");
    if (choice instanceof JsonString c && c.value().equals("none")) {
      return List.of();
    }
    Map<String, JsonValue> declared = new LinkedHashMap<>();
    for (JsonValue t : tools) {
      declared.putIfAbsent(toolName(t), t);
    }
    List<List<String>> turns = new ArrayList<>();
    List<String> groupTexts = new ArrayList<>();
    for (String group : THEN.split(userText)) {
      List<String> named = new ArrayList<>();
      for (String name : declared.keySet()) {
        int at = indexOfWord(group, name);
        if (at >= 0) {
          named.add(name);
        }
      }
      named.sort((a, b) -> Integer.compare(indexOfWord(group, a), indexOfWord(group, b)));
      if (!named.isEmpty()) {
        turns.add(named);
        groupTexts.add(group);
      }
    }
    if (choice instanceof JsonObject) {
      turns = List.of(List.of(toolName(choice)));
      groupTexts = List.of(userText);
    } else if (turns.isEmpty()) {
      turns = List.of(List.of(closest(declared.keySet(), userText)));
      groupTexts = List.of(userText);
    }
    List<JsonValue> all = messages.values();
    int callsSoFar = 0;
    for (JsonValue v : all) {
      if (v instanceof JsonObject m && m.get("tool_calls") instanceof JsonArray calls) {
        callsSoFar += calls.size();
      }
    }
    Progress progress = progress(all, all.size());
    int done = progress.done();
    if (!progress.afterUser() || done >= turns.size()) {
      return List.of();
    }
    List<Call> out = new ArrayList<>();
    String text = groupTexts.get(done);
    for (String name : turns.get(done)) {
      String id =
          switch (toolCallIds) {
            case UNIQUE -> "functions." + name + ":" + (callsSoFar + out.size());
            case PER_TURN -> name + ":" + out.size();
          };
      String args;
      if (name.equals("$web_search")) {
        long n = sequence.incrementAndGet();
        args =
            "{\"search_result\":{\"search_id\":\"fake-search-"
                + n
                + "\"},\"usage\":{\"total_tokens\":"
                + (100 + userText.length())
                + "}}";
      } else {
        JsonValue params =
            declared.get(name) instanceof JsonObject t && t.get("function") instanceof JsonObject f
                ? f.get("parameters")
                : null;
        args =
            Json.write(
                params == null ? JsonObject.of() : instance(params, params, text, "", 0, false));
      }
      out.add(new Call(id, name, args));
    }
    return out;
  }

  /**
   * Where a conversation stands before message {@code end}: its task (the last user message, or,
   * when that is a summary this model wrote of the work, the user message before it), the turns of
   * tool calls done on it (those after the last user message, plus the ones a summary of its own
   * counts), and whether a user message was found at all.
   */
  private record Progress(String task, int done, boolean afterUser) {}

  /** How the model counts the turns it did in a summary it writes ({@link #summarize}). */
  private static final Pattern TURNS_DONE = Pattern.compile("Turns done: (\\d+)");

  /** The task and the turns done, as a summary of this model's names them. */
  private static final Pattern OWN_SUMMARY =
      Pattern.compile("Summary of the work so far\\. Task: (.*?) Turns done: \\d+", Pattern.DOTALL);

  /** A request for a summary: no tool may be called and the last user message asks for one. */
  private static final Pattern SUMMARY_ASKED = Pattern.compile("(?i)\\b(summary|summari[sz]e)\\b");

  private static Progress progress(List<JsonValue> all, int end) {
    int done = 0;
    int user = end - 1;
    for (; user >= 0; user--) {
      if (!(all.get(user) instanceof JsonObject m)) {
        continue;
      }
      String role = m.get("role") instanceof JsonString r ? r.value() : "";
      if (role.equals("user")) {
        break;
      }
      if (role.equals("assistant")
          && m.get("tool_calls") instanceof JsonArray calls
          && !calls.isEmpty()) {
        done++;
      }
    }
    if (user < 0) {
      return new Progress("", done, false);
    }
    String text = text(all.get(user));
    Matcher summary = TURNS_DONE.matcher(text);
    if (!summary.find()) {
      return new Progress(text, done, true);
    }
    done += Integer.parseInt(summary.group(1));
    Matcher own = OWN_SUMMARY.matcher(text);
    if (own.find()) {
      return new Progress(own.group(1).strip(), done, true); // the task, as its summary names it
    }
    for (int i = user - 1; i >= 0; i--) {
      if (all.get(i) instanceof JsonObject m
          && m.get("role") instanceof JsonString r
          && r.value().equals("user")
          && !TURNS_DONE.matcher(text(m)).find()) {
        return new Progress(text(m), done, true);
      }
    }
    return new Progress(text, done, true);
  }

  /** Whether a request asks for a summary: tool choice {@code none} and the words in its text. */
  private static boolean asksForSummary(JsonObject body, String lastUserText) {
    return body.get("tool_choice") instanceof JsonString c
        && c.value().equals("none")
        && SUMMARY_ASKED.matcher(lastUserText).find();
  }

  /**
   * The summary the model writes of a conversation before its last message (the request for it):
   * the task, the turns of tool calls done on it, each result it read since the task (or its last
   * summary) with the call's arguments, and what is open. A later request whose last user message
   * holds this summary goes on from the turn after those it counts.
   */
  private static String summarize(List<JsonValue> all) {
    Progress p = progress(all, all.size() - 1);
    StringBuilder results = new StringBuilder();
    Map<String, String> calls = new HashMap<>();
    for (int i = 0; i < all.size() - 1; i++) {
      if (!(all.get(i) instanceof JsonObject m)) {
        continue;
      }
      if (m.get("tool_calls") instanceof JsonArray list) {
        for (JsonValue c : list.values()) {
          if (c instanceof JsonObject co && co.get("id") instanceof JsonString id) {
            calls.put(id.value(), toolName(c) + " " + arguments(c));
          }
        }
      }
      if (m.get("role") instanceof JsonString r && r.value().equals("tool")) {
        String id = m.get("tool_call_id") instanceof JsonString s ? s.value() : "";
        String content = text(m).replaceAll("\\s+", " ").strip();
        results
            .append(results.length() == 0 ? "" : "; ")
            .append(calls.getOrDefault(id, "a tool"))
            .append(" returned \"")
            .append(content.length() > 60 ? content.substring(0, 60) + "..." : content)
            .append('"');
      }
    }
    return "Summary of the work so far. Task: "
        + p.task()
        + " Turns done: "
        + p.done()
        + ". Results: "
        + (results.length() == 0 ? "none" : results)
        + ". Open items: the rest of the task after turn "
        + p.done()
        + ".";
  }

  /** The scripted calls of a typed reply, each with an id made as {@link #plan} makes them. */
  private List<Call> scripted(FakeResponse.Answer scripted, JsonArray messages) {
    int callsSoFar = 0;
    for (JsonValue v : messages.values()) {
      if (v instanceof JsonObject m && m.get("tool_calls") instanceof JsonArray calls) {
        callsSoFar += calls.size();
      }
    }
    List<Call> out = new ArrayList<>();
    for (io.github.kimisdk.tool.ToolCall c : scripted.calls()) {
      String id = c.id();
      if (id == null || id.isBlank()) {
        id =
            switch (toolCallIds) {
              case UNIQUE -> "functions." + c.name() + ":" + (callsSoFar + out.size());
              case PER_TURN -> c.name() + ":" + out.size();
            };
      }
      out.add(new Call(id, c.name(), c.arguments().isBlank() ? "{}" : c.arguments()));
    }
    return out;
  }

  /** The name sharing most words with the text ("get_weather" and "weather"), else the first. */
  private static String closest(Iterable<String> names, String text) {
    Set<String> words = words(text);
    String best = null;
    int bestScore = 0;
    for (String name : names) {
      if (best == null) {
        best = name;
      }
      Set<String> shared = words(name);
      shared.retainAll(words);
      int score = shared.size();
      if (score > bestScore) {
        best = name;
        bestScore = score;
      }
    }
    return best;
  }

  /** The lower-cased words of a text or a tool name (split at non-letters and camelCase). */
  private static Set<String> words(String text) {
    Set<String> out = new HashSet<>();
    for (String w : WORD_SPLIT.split(text)) {
      if (!w.isEmpty()) {
        out.add(w.toLowerCase(java.util.Locale.ROOT));
      }
    }
    return out;
  }

  private static int indexOfWord(String text, String word) {
    Matcher m =
        Pattern.compile("(?<![A-Za-z0-9_$-])" + Pattern.quote(word) + "(?![A-Za-z0-9_-])")
            .matcher(text);
    return m.find() ? m.start() : -1;
  }

  /**
   * Builds a value that satisfies {@code schema}, taking {@code name=value} pairs from the text. An
   * object gets its required properties and those the text gives; with {@code everyProperty} (a
   * reply in a response format's schema, which a model fills whole) all of them.
   */
  private static JsonValue instance(
      JsonValue schema,
      JsonValue root,
      String text,
      String property,
      int depth,
      boolean everyProperty) {
    if (!(schema instanceof JsonObject s) || depth > 8) {
      return JsonObject.of();
    }
    if (s.get("$ref") instanceof JsonString ref) {
      String[] parts = ref.value().split("/");
      if (parts.length == 3
          && root instanceof JsonObject r
          && r.get(parts[1]) instanceof JsonObject defs) {
        return instance(defs.get(parts[2]), root, text, property, depth + 1, everyProperty);
      }
      return JsonObject.of();
    }
    for (String key : List.of("anyOf", "oneOf", "allOf")) {
      if (s.get(key) instanceof JsonArray branches && !branches.isEmpty()) {
        return instance(branches.get(0), root, text, property, depth + 1, everyProperty);
      }
    }
    String type = "object";
    if (s.get("type") instanceof JsonString t) {
      type = t.value();
    } else if (s.get("type") instanceof JsonArray types) {
      for (JsonValue t : types.values()) {
        if (t instanceof JsonString ts && !ts.value().equals("null")) {
          type = ts.value();
          break;
        }
      }
    }
    String given = given(text, property);
    JsonArray choices = s.get("enum") instanceof JsonArray e && !e.isEmpty() ? e : null;
    if (choices != null) {
      for (JsonValue c : choices.values()) {
        if (given != null
            && ((c instanceof JsonString cs && cs.value().equals(given))
                || (c instanceof JsonNumber cn && cn.literal().equals(given)))) {
          return c;
        }
      }
      return choices.get(0);
    }
    switch (type) {
      case "string":
        return JsonString.of(given != null ? given : "example");
      case "integer":
        try {
          return JsonNumber.of(given != null ? Long.parseLong(given) : 1);
        } catch (NumberFormatException e) {
          return JsonNumber.of(1);
        }
      case "number":
        try {
          return JsonNumber.of(given != null ? Double.parseDouble(given) : 1.5);
        } catch (NumberFormatException e) {
          return JsonNumber.of(1.5);
        }
      case "boolean":
        return JsonBoolean.of(given == null || !given.equals("false"));
      case "null":
        return io.github.kimisdk.json.JsonNull.INSTANCE;
      case "array":
        return JsonArray.of(
            instance(s.get("items"), root, text, property, depth + 1, everyProperty));
      default:
        JsonObject.Builder b = JsonObject.builder();
        Set<String> required = new HashSet<>();
        if (s.get("required") instanceof JsonArray r) {
          r.values().forEach(v -> required.add(v instanceof JsonString rs ? rs.value() : ""));
        }
        if (s.get("properties") instanceof JsonObject props) {
          for (Map.Entry<String, JsonValue> p : props.members().entrySet()) {
            if (everyProperty || required.contains(p.getKey()) || given(text, p.getKey()) != null) {
              b.put(
                  p.getKey(),
                  instance(p.getValue(), root, text, p.getKey(), depth + 1, everyProperty));
            }
          }
        }
        return b.build();
    }
  }

  private static String given(String text, String property) {
    if (property.isEmpty()) {
      return null;
    }
    Matcher m = ASSIGNMENT.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(property)) {
        if (m.group(3) != null) {
          return m.group(3);
        }
        String v = m.group(2);
        while (!v.isEmpty() && ".?!".indexOf(v.charAt(v.length() - 1)) >= 0) {
          v = v.substring(0, v.length() - 1);
        }
        return v;
      }
    }
    return null;
  }

  /** The reply once tool results follow the last user message: it quotes them. */
  private static String answer(JsonArray messages, String userText) {
    List<JsonValue> all = messages.values();
    int start = all.size();
    while (start > 0
        && !(all.get(start - 1) instanceof JsonObject m
            && m.get("role") instanceof JsonString r
            && r.value().equals("user"))) {
      start--;
    }
    List<String> results = new ArrayList<>();
    // a tool message names its tool, or the call it answers does: the latest call with its id,
    // since ids are unique only within a turn (K3 numbers each turn's calls from 0)
    Map<String, String> calledNames = new HashMap<>();
    for (int i = start; i < all.size(); i++) {
      JsonObject m = (JsonObject) all.get(i);
      String role = m.get("role") instanceof JsonString r ? r.value() : "";
      if (role.equals("assistant") && m.get("tool_calls") instanceof JsonArray calls) {
        for (JsonValue c : calls.values()) {
          if (c instanceof JsonObject co && co.get("id") instanceof JsonString id) {
            calledNames.put(id.value(), toolName(c));
          }
        }
      }
      if (role.equals("tool")) {
        String callId = m.get("tool_call_id") instanceof JsonString id ? id.value() : "";
        String name =
            m.get("name") instanceof JsonString n
                ? n.value()
                : calledNames.getOrDefault(callId, "tool");
        String content = text(m);
        if (name.equals("$web_search")) {
          results.add(
              "the web says \"" + userText + "\" is well covered (" + searchId(content) + ")");
        } else {
          results.add(name + " says " + content);
        }
      }
    }
    if (results.isEmpty()) {
      return userText.isBlank() ? "You said nothing." : "You said: " + userText;
    }
    return "From the tools: " + String.join("; ", results) + ".";
  }

  /**
   * The reply in the shape {@code response_format} asks for: a JSON object holding the reply for
   * {@code json_object}, an instance of the schema for {@code json_schema} with every property
   * filled, required or not, as a model answering a schema does (taking {@code name=value} pairs
   * from the user's message, as tool arguments do), else the reply itself.
   */
  private static String structured(JsonObject body, String reply, String userText) {
    if (!(body.get("response_format") instanceof JsonObject format)
        || !(format.get("type") instanceof JsonString type)) {
      return reply;
    }
    if (type.value().equals("json_object")) {
      return Json.write(JsonObject.of("answer", JsonString.of(reply)));
    }
    if (type.value().equals("json_schema")
        && format.get("json_schema") instanceof JsonObject js
        && js.get("schema") instanceof JsonObject schema) {
      return Json.write(instance(schema, schema, userText, "", 0, true));
    }
    return reply;
  }

  private static String searchId(String arguments) {
    try {
      if (Json.parse(arguments) instanceof JsonObject o
          && o.get("search_result") instanceof JsonObject r
          && r.get("search_id") instanceof JsonString id) {
        return id.value();
      }
    } catch (RuntimeException e) {
      // fall through: not the arguments the fake produced
    }
    return "no search id";
  }

  /** Search results count as prompt tokens on the call that follows a $web_search call. */
  private static int searchTokens(JsonValue message) {
    if (message instanceof JsonObject m
        && m.get("name") instanceof JsonString n
        && n.value().equals("$web_search")
        && m.get("content") instanceof JsonString c) {
      try {
        if (Json.parse(c.value()) instanceof JsonObject o
            && o.get("usage") instanceof JsonObject u
            && u.get("total_tokens") instanceof JsonNumber t) {
          return t.intValue();
        }
      } catch (RuntimeException e) {
        return 0;
      }
    }
    return 0;
  }

  private static String lastUserText(JsonArray messages) {
    List<JsonValue> all = messages.values();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i) instanceof JsonObject m
          && m.get("role") instanceof JsonString role
          && role.value().equals("user")) {
        return text(m);
      }
    }
    return "";
  }

  private static String text(JsonValue message) {
    if (!(message instanceof JsonObject m)) {
      return "";
    }
    JsonValue content = m.get("content");
    if (content instanceof JsonString s) {
      return s.value();
    }
    if (content instanceof JsonArray parts) {
      StringBuilder sb = new StringBuilder();
      for (JsonValue p : parts.values()) {
        if (p instanceof JsonObject o && o.get("text") instanceof JsonString t) {
          // parts read as words: a space between them unless one already sits there
          boolean spaced =
              sb.length() == 0
                  || Character.isWhitespace(sb.charAt(sb.length() - 1))
                  || (!t.value().isEmpty() && Character.isWhitespace(t.value().charAt(0)));
          sb.append(spaced ? "" : " ").append(t.value());
        }
      }
      return sb.toString();
    }
    return "";
  }

  /** Splits text into word-sized pieces that join back to the exact text. */
  static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 1; i < text.length(); i++) {
      if (text.charAt(i) == ' ') {
        out.add(text.substring(start, i));
        start = i;
      }
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }

  private static String completion(
      String id,
      long created,
      String model,
      String content,
      List<String> reasoning,
      List<Call> calls,
      String finish,
      Usage usage,
      int choices) {
    JsonWriter w = new JsonWriter();
    header(w, id, created, model, "chat.completion");
    w.name("choices").beginArray();
    for (int i = 0; i < choices; i++) {
      w.beginObject();
      w.name("index").value(i);
      w.name("message").beginObject().name("role").value("assistant");
      w.name("content").value(content);
      if (!reasoning.isEmpty()) {
        w.name("reasoning_content").value(String.join("", reasoning));
      }
      if (!calls.isEmpty()) {
        w.name("tool_calls").beginArray();
        for (Call c : calls) {
          w.beginObject().name("id").value(c.id).name("type").value("function");
          w.name("function").beginObject().name("name").value(c.name);
          w.name("arguments").value(c.arguments).endObject().endObject();
        }
        w.endArray();
      }
      w.endObject();
      w.name("finish_reason").value(finish);
      w.endObject();
    }
    w.endArray();
    w.name("usage");
    usage.write(w);
    return w.endObject().toString();
  }

  private interface DeltaWriter {
    void write(JsonWriter w);
  }

  private static String chunk(
      String id,
      long created,
      String model,
      int index,
      DeltaWriter delta,
      String finish,
      Usage usage) {
    JsonWriter w = new JsonWriter();
    header(w, id, created, model, "chat.completion.chunk");
    w.name("choices").beginArray().beginObject();
    w.name("index").value(index);
    w.name("delta").beginObject();
    delta.write(w);
    w.endObject();
    w.name("finish_reason");
    if (finish == null) {
      w.nullValue();
    } else {
      w.value(finish);
    }
    if (usage != null) {
      w.name("usage");
      usage.write(w);
    }
    w.endObject().endArray();
    return w.endObject().toString();
  }

  private static void header(JsonWriter w, String id, long created, String model, String object) {
    w.beginObject();
    w.name("id").value(id);
    w.name("object").value(object);
    w.name("created").value(created);
    w.name("model").value(model);
  }

  private FakeResponse models() {
    JsonWriter w = new JsonWriter();
    w.beginObject().name("object").value("list").name("data").beginArray();
    for (String id : order) {
      ModelInfo m = models.get(id);
      if (m == null) {
        continue;
      }
      w.beginObject().name("id").value(id).name("object").value("model");
      w.name("created").value(1_700_000_000L).name("owned_by").value("moonshot");
      w.name("context_length").value(m.contextWindow());
      w.name("supports_image_in").value(m.vision());
      w.name("supports_video_in").value(m.video());
      w.name("supports_reasoning").value(m.thinking() != ModelInfo.ThinkingSupport.NONE);
      w.name("supports_tool_use").value(m.toolUse());
      w.name("supports_thinking_type")
          .value(
              switch (m.thinking()) {
                case ALWAYS -> "only";
                case SWITCHABLE -> "both";
                case NONE -> "no";
              });
      if (!m.efforts().isEmpty()) {
        w.name("think_efforts").beginObject().name("support").value(true);
        w.name("valid_efforts").beginArray();
        m.efforts().forEach(w::value);
        w.endArray();
        if (m.defaultEffort() != null) {
          w.name("default_effort").value(m.defaultEffort());
        }
        w.endObject();
      }
      w.endObject();
    }
    return FakeResponse.json(w.endArray().endObject().toString());
  }

  /**
   * Returns one of the fake's own errors in Kimi's shape, {@code {"error":{"message","type"}}},
   * with the {@code Msh-Request-Id} Kimi gives every answer, errors included: a client quotes it.
   */
  static FakeResponse error(int status, String type, String message) {
    JsonWriter w = new JsonWriter();
    w.beginObject().name("error").beginObject();
    w.name("message").value(message).name("type").value(type);
    String requestId =
        String.format(
            java.util.Locale.ROOT,
            "fake-%08x-e%d",
            System.currentTimeMillis() / 1000,
            ERRORS.incrementAndGet());
    return FakeResponse.error(status, w.endObject().endObject().toString())
        .withHeader("Msh-Request-Id", requestId);
  }

  private record Usage(int prompt, int cached, int completion, int reasoning) {
    void write(JsonWriter w) {
      w.beginObject();
      w.name("prompt_tokens").value(prompt);
      w.name("completion_tokens").value(completion);
      w.name("total_tokens").value(prompt + completion);
      if (cached > 0) {
        // as K3 answers a cache hit: Kimi's own spelling and OpenAI's, both
        w.name("cached_tokens").value(cached);
        w.name("prompt_tokens_details").beginObject().name("cached_tokens").value(cached);
        w.endObject();
      }
      if (reasoning > 0) {
        w.name("completion_tokens_details").beginObject();
        w.name("reasoning_tokens").value(reasoning).endObject();
      }
      w.endObject();
    }
  }
}
