package io.github.kimisdk.testing;

import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a host of Kimi's models speaks chat completions, as {@link FakeKimiServer#dialect} chooses
 * it: Moonshot's own API (the default, answered as sent), or vLLM, SGLang, OpenRouter, Fireworks or
 * Together in front of the same model and its rules. Each dialect is declared as data (the thinking
 * switch it reads, the key its replies carry reasoning under, the keys it reads an earlier turn's
 * reasoning from, its tool-call ids, whether it needs a key); what depends on the host's own words
 * (its error bodies, its model ids) is one switch per question below. The facts and their sources
 * are in the testing guide ({@code docs/testing.md}, "Hosts and overload").
 *
 * <p>A call in a dialect other than Moonshot's is read into the request Kimi's model reads (Kimi's
 * id of the host's model, Moonshot's {@code thinking} object from the host's switch, {@code
 * reasoning_content} from the key the host reads in the history; what the host does not read is
 * dropped), which {@link RecordedRequest#asRead()} shows; the model answers it by Kimi's rules, and
 * its answer is written back in the host's words: its model id, its reasoning key, its tool-call
 * ids, its usage, its error envelopes. Replies other than the model's (scripted, a responder's) are
 * sent as they are. Only {@code POST /v1/chat/completions} and {@code GET /v1/models} speak the
 * dialect; Kimi's other endpoints and surfaces stay Kimi's.
 *
 * <p>Stateless; every server shares the constants.
 */
enum FakeDialect {
  /** Moonshot's own API: the request as sent, Kimi's replies and errors. */
  MOONSHOT("moonshot", Switch.THINKING_OBJECT, "reasoning_content", false, List.of(), false, true),
  /**
   * vLLM 0.16 and later with the {@code kimi_k2}/{@code kimi_k3} parsers: {@code
   * chat_template_kwargs}, {@code reasoning} out and in (a history's {@code reasoning_content} is
   * dropped), {@code functions.NAME:IDX} ids, no key unless {@code --api-key}.
   */
  VLLM("vllm", Switch.CHAT_TEMPLATE_KWARGS, "reasoning", false, List.of("reasoning"), true, false),
  /**
   * SGLang with the {@code kimi_k2} parsers: {@code chat_template_kwargs}, {@code
   * reasoning_content} out and in, {@code functions.NAME:IDX} ids, no key unless {@code --api-key}.
   */
  SGLANG(
      "sglang",
      Switch.CHAT_TEMPLATE_KWARGS,
      "reasoning_content",
      false,
      List.of("reasoning_content"),
      true,
      false),
  /**
   * OpenRouter: its {@code reasoning} object, {@code reasoning} and {@code reasoning_details} out,
   * either read in the history, errors as {@code {"error":{"code","message","metadata"}}}.
   */
  OPENROUTER(
      "openrouter",
      Switch.REASONING_OBJECT,
      "reasoning",
      true,
      List.of("reasoning_details", "reasoning"),
      false,
      true),
  /**
   * Fireworks: {@code reasoning_effort} ({@code none} for off), {@code thinking} of {@code type}
   * and {@code budget_tokens} only and never beside {@code reasoning_effort}, {@code
   * reasoning_history}; {@code reasoning_content}; a message schema that refuses any member it does
   * not declare ({@link #strictRefusal}).
   */
  FIREWORKS(
      "fireworks",
      Switch.REASONING_EFFORT_AND_HISTORY,
      "reasoning_content",
      false,
      List.of("reasoning_content", "reasoning"),
      false,
      true),
  /**
   * Together: {@code reasoning.enabled} and a top-level {@code reasoning_effort}, {@code reasoning}
   * out, 503 "Engine Overloaded".
   */
  TOGETHER(
      "together",
      Switch.REASONING_ENABLED_AND_EFFORT,
      "reasoning",
      false,
      List.of("reasoning", "reasoning_content"),
      false,
      true);

  /** How a host reads whether to think. */
  enum Switch {
    /** Moonshot's {@code thinking} object and top-level {@code reasoning_effort}. */
    THINKING_OBJECT,
    /**
     * The chat template's arguments, {@code chat_template_kwargs}: {@code thinking} (K3's template
     * also {@code enable_thinking}), {@code thinking_effort}, {@code preserve_thinking}; Moonshot's
     * {@code thinking} object and {@code reasoning_effort} are not read.
     */
    CHAT_TEMPLATE_KWARGS,
    /**
     * A {@code reasoning} object ({@code enabled}, {@code effort}, {@code max_tokens}, {@code
     * exclude}) and a top-level {@code reasoning_effort}; Moonshot's {@code thinking} object is not
     * read.
     */
    REASONING_OBJECT,
    /**
     * Together's: the {@code reasoning} object's {@code enabled} switches thinking and the
     * top-level {@code reasoning_effort} sets the effort; a {@code reasoning.effort} is not read,
     * nor Moonshot's {@code thinking} object.
     */
    REASONING_ENABLED_AND_EFFORT,
    /**
     * Fireworks': a top-level {@code reasoning_effort} ({@code none}, {@code low}, {@code medium},
     * {@code high}, {@code max}, a boolean or a token count), or the {@code thinking} object of
     * {@code type} and {@code budget_tokens} (never both), and {@code reasoning_history} ({@code
     * preserved} keeps the earlier reasoning).
     */
    REASONING_EFFORT_AND_HISTORY
  }

  /** The members a host may carry reasoning under in an assistant message. */
  private static final List<String> REASONING_KEYS =
      List.of("reasoning_content", "reasoning", "reasoning_details");

  /** Where vLLM and SGLang presets are built: only their model ids are read. */
  private static final String ANY_URL = "http://127.0.0.1:8000/v1";

  /**
   * vLLM's refusal past {@code --max-num-queued-reqs}, {@code QueueOverflowError}'s words
   * (vllm-project/vllm {@code vllm/exceptions.py}, 0.29).
   */
  static final String VLLM_BUSY =
      "The engine is currently busy and cannot accept new requests. Please try again later or on"
          + " a different instance.";

  /**
   * SGLang's message when its queue is full ({@code --max-queued-requests}; sgl-project/sglang
   * {@code managers/scheduler.py} {@code _abort_on_queued_limit}).
   */
  static final String QUEUE_FULL = "The request queue is full.";

  /**
   * The error event with which SGLang refuses a stream whose queue is full, on the stream's 200 and
   * before any chunk, as {@code json.dumps} writes it ({@code serving_chat.py} writes {@code
   * create_streaming_error_response(message, code.name, code.value)}, {@code serving_base.py}).
   */
  static final String SGLANG_QUEUE_FULL_EVENT =
      "{\"error\": {\"object\": \"error\", \"message\": \"The request queue is full.\", \"type\":"
          + " \"SERVICE_UNAVAILABLE\", \"param\": null, \"code\": 503}}";

  final String spec;
  final Switch thinkingSwitch;
  final String replyKey;
  final boolean reasoningDetails;
  final List<String> historyKeys; // empty: the history is read as sent
  final boolean templateToolIds;
  final boolean needsKey;
  private final Host preset; // the SDK's preset of this host, read for its model ids only

  FakeDialect(
      String spec,
      Switch thinkingSwitch,
      String replyKey,
      boolean reasoningDetails,
      List<String> historyKeys,
      boolean templateToolIds,
      boolean needsKey) {
    this.spec = spec;
    this.thinkingSwitch = thinkingSwitch;
    this.replyKey = replyKey;
    this.reasoningDetails = reasoningDetails;
    this.historyKeys = historyKeys;
    this.templateToolIds = templateToolIds;
    this.needsKey = needsKey;
    this.preset =
        switch (spec) {
          case "vllm" -> Host.vllm(ANY_URL);
          case "sglang" -> Host.sglang(ANY_URL);
          case "openrouter" -> Host.OPENROUTER;
          case "fireworks" -> Host.FIREWORKS;
          case "together" -> Host.TOGETHER;
          default -> Host.MOONSHOT;
        };
  }

  /**
   * Returns the dialect a host's name names, as {@code Host.of} takes them ({@code moonshot-cn} and
   * {@code kimi-code} speak Moonshot's).
   *
   * @throws IllegalArgumentException for any other name, listing the names taken
   */
  static FakeDialect of(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    if (n.equals("moonshot-cn") || n.equals("kimi-code")) {
      return MOONSHOT;
    }
    for (FakeDialect d : values()) {
      if (d.spec.equals(n)) {
        return d;
      }
    }
    List<String> names = new ArrayList<>();
    for (FakeDialect d : values()) {
      names.add(d.spec);
    }
    throw new IllegalArgumentException(
        "unknown dialect '" + name + "': use " + String.join(", ", names));
  }

  // ---- model ids ----

  /**
   * Returns the id this host serves a model of the server under, or null when it does not serve it:
   * vLLM and SGLang serve the open weights under their Hugging Face names (the ids the SDK's preset
   * declares, such as {@code moonshotai/Kimi-K3}) and a model Kimi's table does not know under its
   * own id (as {@code --served-model-name} names it); the vendors serve every model under the id
   * their preset makes ({@code moonshotai/kimi-k3}, {@code accounts/fireworks/models/kimi-k3}).
   */
  String hostId(String kimiId) {
    return switch (this) {
      case MOONSHOT -> kimiId;
      case VLLM, SGLANG -> {
        String declared = preset.modelIds().get(kimiId.toLowerCase(Locale.ROOT));
        yield declared != null
            ? declared
            : ModelCatalog.defaults().find(kimiId).isEmpty() ? kimiId : null;
      }
      case OPENROUTER, FIREWORKS, TOGETHER -> preset.modelId(kimiId);
    };
  }

  /** The ids this host serves, in the server's order. */
  List<String> hostIds(List<String> kimiIds) {
    List<String> out = new ArrayList<>();
    for (String id : kimiIds) {
      String h = hostId(id);
      if (h != null) {
        out.add(h);
      }
    }
    return out;
  }

  /** The host's answer to a model id it does not serve. */
  FakeResponse unknownModel(String model, List<String> served) {
    return switch (this) {
      case MOONSHOT ->
          FakeModel.error(
              404,
              "resource_not_found_error",
              "Not found the model " + model + " or Permission denied");
      case VLLM -> own(404, "NotFoundError", "The model `" + model + "` does not exist.");
      case SGLANG ->
          own(
              400,
              "BadRequestError",
              "The model `"
                  + model
                  + "` does not exist."
                  + (served.isEmpty() ? "" : " The served model name is `" + served.get(0) + "`."));
      case OPENROUTER -> own(400, null, model + " is not a valid model ID");
      case FIREWORKS ->
          json(
              404,
              JsonObject.of(
                  "error",
                  JsonObject.builder()
                      .put("object", "error")
                      .put("type", "invalid_request_error")
                      .put("message", "Model not found, inaccessible, and/or not deployed")
                      .put("param", "model")
                      .put("code", "NOT_FOUND")
                      .build()));
      case TOGETHER ->
          together(
              404,
              "invalid_request_error",
              "Unable to access model "
                  + model
                  + ". Please visit https://api.together.ai/models to view the list of supported"
                  + " models.",
              JsonString.of("model_not_available"));
    };
  }

  // ---- errors ----

  /** The host's 401 to a request without the key it needs. */
  FakeResponse unauthorized() {
    return switch (this) {
      case MOONSHOT ->
          FakeModel.error(401, "invalid_authentication_error", "Invalid Authentication");
      // vLLM's api-key middleware; SGLang's answers the same
      case VLLM, SGLANG -> json(401, JsonObject.of("error", JsonString.of("Unauthorized")));
      case OPENROUTER -> own(401, null, "No auth credentials found");
      case FIREWORKS -> own(401, "invalid_request_error", "The API key you provided is invalid.");
      case TOGETHER ->
          together(
              401,
              "invalid_request_error",
              "Invalid API key provided. You can find your API key at"
                  + " https://api.together.ai/settings/api-keys.",
              JsonString.of("invalid_api_key"));
    };
  }

  /**
   * An error of the host's own in its envelope: {@code type} is Kimi's error type where the host
   * passes an account's error on, or null for the host's own by status.
   */
  FakeResponse own(int status, String type, String message) {
    return switch (this) {
      case MOONSHOT -> FakeModel.error(status, type == null ? kimiType(status) : type, message);
      case VLLM ->
          json(
              status,
              JsonObject.of(
                  "error",
                  JsonObject.builder()
                      .put("message", message)
                      .put("type", type == null ? vllmType(status) : type)
                      .putNull("param")
                      .put("code", status)
                      .build()));
      case SGLANG ->
          json(
              status,
              JsonObject.builder()
                  .put("object", "error")
                  .put("message", message)
                  .put("type", type == null ? sglangType(status) : type)
                  .putNull("param")
                  .put("code", status)
                  .build());
      case OPENROUTER ->
          json(
              status,
              JsonObject.of(
                  "error",
                  JsonObject.builder().put("code", status).put("message", message).build()));
      case FIREWORKS ->
          json(
              status,
              JsonObject.of(
                  "error",
                  JsonObject.builder()
                      .put("object", "error")
                      .put("type", type == null ? vendorType(status) : type)
                      .put("message", message)
                      .build()));
      case TOGETHER ->
          together(status, type == null ? vendorType(status) : type, message, JsonNull.INSTANCE);
    };
  }

  /**
   * A refusal by the model behind the host (Kimi's rules), in the host's envelope: OpenRouter wraps
   * a provider's error ({@code "Provider returned error"}, the provider's body in {@code
   * metadata.raw}); the others answer it as their own.
   */
  FakeResponse fromModel(int status, String type, String message, String rawBody) {
    if (this == OPENROUTER) {
      JsonObject metadata =
          JsonObject.builder().put("raw", rawBody).put("provider_name", "Moonshot AI").build();
      return json(
          status,
          JsonObject.of(
              "error",
              JsonObject.builder()
                  .put("code", status)
                  .put("message", "Provider returned error")
                  .put("metadata", metadata)
                  .build()));
    }
    return own(status, this == MOONSHOT ? type : null, message);
  }

  /**
   * The host's answer when it is overloaded, as {@code failCalls("overloaded=...")} asks: for vLLM
   * and SGLang, their refusal when full ({@link #queueFull}).
   */
  FakeResponse overloaded(RecordedRequest request) {
    return switch (this) {
      case MOONSHOT ->
          FakeModel.error(
              429,
              "engine_overloaded_error",
              "The engine is currently overloaded, please try again later");
      case VLLM, SGLANG -> queueFull(request);
      case OPENROUTER -> {
        String raw =
            Json.write(
                JsonObject.of(
                    "error",
                    JsonObject.of(
                        "message",
                        JsonString.of("The engine is currently overloaded, please try again later"),
                        "type",
                        JsonString.of("engine_overloaded_error"))));
        yield fromModel(502, null, null, raw);
      }
      case FIREWORKS ->
          own(503, "server_error", "The server is overloaded, please try again later");
      case TOGETHER -> own(503, "server_error", "Engine Overloaded");
    };
  }

  /**
   * The host's answer when its queue is full, as {@code failCalls("queue-full=...")} and {@link
   * FakeKimiServer#maxConcurrency} in these dialects ask: vLLM's 503 {@code QueueOverflowError},
   * also for a stream (its admission check runs before the response starts); SGLang's 503 "The
   * request queue is full." for a whole reply and, for a stream, its error event naming 503 on the
   * stream's 200, then {@code data: [DONE]}; the other hosts SGLang's words in their envelope.
   */
  FakeResponse queueFull(RecordedRequest request) {
    return switch (this) {
      case VLLM -> own(503, "Service Unavailable", VLLM_BUSY);
      case SGLANG ->
          streamed(request)
              ? FakeResponse.sse().data(SGLANG_QUEUE_FULL_EVENT).done().build()
              : own(503, null, QUEUE_FULL);
      case MOONSHOT -> own(503, "engine_overloaded_error", QUEUE_FULL);
      case OPENROUTER, FIREWORKS, TOGETHER -> own(503, null, QUEUE_FULL);
    };
  }

  /**
   * The host's refusal of a call past {@link FakeKimiServer#maxConcurrency}: vLLM's and SGLang's
   * full queue ({@link #queueFull}), which their admission limits answer; Kimi's concurrency 429
   * ({@code kimi}) from Moonshot and the vendors, which pass an account's limit on.
   */
  FakeResponse concurrencyRefusal(RecordedRequest request, FakeResponse kimi) {
    return this == VLLM || this == SGLANG ? queueFull(request) : kimi;
  }

  /** Whether a chat call asks for a stream. */
  static boolean streamed(RecordedRequest request) {
    return request.json() instanceof JsonObject o
        && o.get("stream") instanceof JsonBoolean b
        && b.value();
  }

  private static String kimiType(int status) {
    return switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "invalid_authentication_error";
      case 404 -> "resource_not_found_error";
      case 429 -> "rate_limit_reached_error";
      default -> "server_error";
    };
  }

  /** vLLM's error types ({@code create_error_response}'s {@code err_type}). */
  private static String vllmType(int status) {
    return switch (status) {
      case 404 -> "NotFoundError";
      case 503 -> "ServiceUnavailableError";
      default -> status >= 500 ? "InternalServerError" : "BadRequestError";
    };
  }

  /** SGLang's: {@code BadRequestError} by default, an abort's status as {@code str(HTTPStatus)}. */
  private static String sglangType(int status) {
    return switch (status) {
      case 400 -> "BadRequestError";
      case 401 -> "HTTPStatus.UNAUTHORIZED";
      case 404 -> "HTTPStatus.NOT_FOUND";
      case 429 -> "HTTPStatus.TOO_MANY_REQUESTS";
      case 503 -> "HTTPStatus.SERVICE_UNAVAILABLE";
      default -> status >= 500 ? "InternalServerError" : "BadRequestError";
    };
  }

  private static String vendorType(int status) {
    return status >= 500 ? "server_error" : "invalid_request_error";
  }

  private static FakeResponse together(int status, String type, String message, JsonValue code) {
    return json(
        status,
        JsonObject.of(
            "id",
            JsonString.of("fake-" + Long.toHexString(System.nanoTime())),
            "error",
            JsonObject.builder()
                .put("message", message)
                .put("type", type)
                .putNull("param")
                .put("code", code)
                .build()));
  }

  private static FakeResponse json(int status, JsonObject body) {
    return FakeResponse.error(status, Json.write(body));
  }

  // ---- a chat call ----

  /**
   * Answers a chat call in this dialect: {@code given} (a scripted answer, the server's own error)
   * or the responder's as they are, else the model's answer to the request the host reads, in the
   * host's words; a typed reply is written out by the model for that request.
   */
  FakeResponse answerChat(
      RecordedRequest request, FakeResponse given, FakeSurface.Backend backend) {
    FakeResponse r = given != null ? given : backend.responder(request);
    if (r != null && r.answer() == null) {
      return r;
    }
    if (this == MOONSHOT) {
      if (request.json() instanceof JsonObject body) {
        request.read(body);
      }
      // today's path: the model, or Kimi's other endpoints for what is not a chat call
      return r != null
          ? r.written(backend.model(request, null, r.answer(), true))
          : backend.endpoints(request);
    }
    if (needsKey && !hasKey(request)) {
      return unauthorized();
    }
    Object read = read(request, backend);
    if (read instanceof FakeResponse refused) {
      return refused;
    }
    Read asked = (Read) read;
    if (asked.body() != null) {
      request.read(asked.body());
    }
    FakeKimiServer.StreamedToolCallIds ids =
        templateToolIds ? FakeKimiServer.StreamedToolCallIds.SENT : null;
    FakeResponse answer = backend.model(asked.request(), ids, r == null ? null : r.answer(), false);
    if (r != null) {
      answer = r.written(answer);
    }
    return reply(answer, asked);
  }

  /** Answers {@code GET /v1/models} with the ids this host serves. */
  FakeResponse models(RecordedRequest request, FakeResponse given, FakeSurface.Backend backend) {
    FakeResponse r = given != null ? given : backend.responder(request);
    if (r != null) {
      return r;
    }
    if (needsKey && !hasKey(request)) {
      return unauthorized();
    }
    JsonArray.Builder data = JsonArray.builder();
    for (String id : hostIds(backend.modelIds())) {
      data.add(
          JsonObject.builder()
              .put("id", id)
              .put("object", "model")
              .put("created", 1_700_000_000L)
              .put("owned_by", spec)
              .build());
    }
    return FakeResponse.json(
        Json.write(JsonObject.of("object", JsonString.of("list"), "data", data.build())));
  }

  private static boolean hasKey(RecordedRequest request) {
    String auth = request.header("Authorization").orElse("");
    return auth.startsWith("Bearer ") && !auth.substring(7).isBlank();
  }

  /**
   * The request Kimi's model reads, as this host reads the call: {@code request} the Kimi-form
   * request (or the call as sent when its body is not an object, for the model to refuse), {@code
   * body} its JSON (null then); {@code hostModel} the id the call named, {@code history} the tool
   * calls of its assistant messages, {@code exclude} OpenRouter's {@code reasoning.exclude}.
   */
  record Read(
      RecordedRequest request, JsonObject body, String hostModel, int history, boolean exclude) {}

  /** Reads a call into the request Kimi's model reads, or the host's refusal of it. */
  Object read(RecordedRequest request, FakeSurface.Backend backend) {
    if (!(request.json() instanceof JsonObject body)
        || !(body.get("model") instanceof JsonString m)
        || m.value().isBlank()) {
      return new Read(withKey(request, request.body()), null, null, 0, false);
    }
    String hostModel = m.value();
    List<String> served = backend.modelIds();
    String kimiId = null;
    for (String id : served) {
      if (hostModel.equals(hostId(id))) {
        kimiId = id;
        break;
      }
    }
    if (kimiId == null) {
      if (!backend.lenient()) {
        return unknownModel(hostModel, hostIds(served));
      }
      kimiId = preset.kimiModel(hostModel);
    }
    if (this == FIREWORKS) {
      String refused = strictRefusal(body);
      if (refused != null) {
        return own(400, "invalid_request_error", refused);
      }
    }
    FakeResponse flags = FakeContinuation.refusal(this, body);
    if (flags != null) {
      return flags;
    }
    Map<String, JsonValue> out = new LinkedHashMap<>(body.members());
    out.put("model", JsonString.of(kimiId));
    boolean exclude = thinking(body, out);
    int history = 0;
    if (body.get("messages") instanceof JsonArray messages) {
      List<JsonValue> read = new ArrayList<>(messages.size());
      for (JsonValue v : messages.values()) {
        if (v instanceof JsonObject msg
            && msg.get("role") instanceof JsonString role
            && role.value().equals("assistant")) {
          if (msg.get("tool_calls") instanceof JsonArray calls) {
            history += calls.size();
          }
          read.add(historyReasoning(msg));
        } else {
          read.add(v);
        }
      }
      out.put("messages", JsonArray.of(FakeContinuation.read(this, body, read, out)));
    }
    JsonObject kimi = JsonObject.of(out);
    return new Read(withKey(request, Json.writeBytes(kimi)), kimi, hostModel, history, exclude);
  }

  /** The members of a message Fireworks' schema declares; it refuses any other. */
  private static final List<String> FIREWORKS_MESSAGE =
      List.of("role", "content", "reasoning_content", "tool_calls", "tool_call_id");

  private static final List<String> FIREWORKS_TOOL_CALL = List.of("id", "type", "function");
  private static final List<String> FIREWORKS_FUNCTION = List.of("name", "arguments");
  private static final List<String> FIREWORKS_PART =
      List.of("type", "text", "image_url", "video_url");
  private static final List<String> FIREWORKS_EFFORTS =
      List.of("low", "medium", "high", "max", "none");
  private static final List<String> FIREWORKS_HISTORY =
      List.of("disabled", "interleaved", "preserved");

  /**
   * What Fireworks' request schema refuses of a call, as its 400 says it ("messages.2.name: Extra
   * inputs are not permitted"), or null: a message member beyond {@link #FIREWORKS_MESSAGE} (in a
   * tool call, beyond {@code id}, {@code type}, {@code function} of {@code name} and {@code
   * arguments}; in a content part, beyond {@code type}, {@code text}, {@code image_url}, {@code
   * video_url}), a {@code thinking} object with more than {@code type} and {@code budget_tokens}
   * (at least 1024), {@code thinking} beside {@code reasoning_effort}, an effort or a {@code
   * reasoning_history} it does not list. Fireworks' chat completions reference (its OpenAPI schema:
   * {@code additionalProperties: false}); the request's own members are not checked, since
   * Fireworks takes more than its schema lists ({@code stream_options}).
   */
  static String strictRefusal(JsonObject body) {
    if (body.get("messages") instanceof JsonArray messages) {
      for (int i = 0; i < messages.size(); i++) {
        if (!(messages.get(i) instanceof JsonObject m)) {
          continue;
        }
        String at = "messages." + i;
        String extra = extra(m, FIREWORKS_MESSAGE, at);
        if (extra == null && m.get("tool_calls") instanceof JsonArray calls) {
          for (int j = 0; j < calls.size() && extra == null; j++) {
            if (calls.get(j) instanceof JsonObject c) {
              String call = at + ".tool_calls." + j;
              extra = extra(c, FIREWORKS_TOOL_CALL, call);
              if (extra == null && c.get("function") instanceof JsonObject f) {
                extra = extra(f, FIREWORKS_FUNCTION, call + ".function");
              }
            }
          }
        }
        if (extra == null && m.get("content") instanceof JsonArray parts) {
          for (int j = 0; j < parts.size() && extra == null; j++) {
            if (parts.get(j) instanceof JsonObject part) {
              extra = extra(part, FIREWORKS_PART, at + ".content." + j);
            }
          }
        }
        if (extra != null) {
          return extra;
        }
      }
    }
    JsonValue thinking = body.get("thinking");
    if (thinking instanceof JsonObject t) {
      String extra = extra(t, List.of("type", "budget_tokens"), "thinking");
      if (extra != null) {
        return extra;
      }
      if (!(t.get("type") instanceof JsonString type)
          || !(type.value().equals("enabled") || type.value().equals("disabled"))) {
        return "thinking.type: Input should be 'enabled' or 'disabled'";
      }
      if (t.get("budget_tokens") instanceof JsonNumber n && n.longValue() < 1024) {
        return "thinking.budget_tokens: must be >= 1024";
      }
    }
    JsonValue effort = body.get("reasoning_effort");
    boolean hasEffort = effort != null && !(effort instanceof JsonNull);
    if (thinking != null && !(thinking instanceof JsonNull) && hasEffort) {
      return "thinking cannot be specified together with reasoning_effort";
    }
    if (effort instanceof JsonString e && !FIREWORKS_EFFORTS.contains(e.value())) {
      return "Invalid reasoning effort: " + e.value();
    }
    if (body.get("reasoning_history") instanceof JsonString h
        && !FIREWORKS_HISTORY.contains(h.value())) {
      return "reasoning_history: Input should be 'disabled', 'interleaved' or 'preserved'";
    }
    return null;
  }

  /** The first member of {@code o} not in {@code allowed}, as Fireworks' 400 names it, or null. */
  private static String extra(JsonObject o, List<String> allowed, String at) {
    for (String name : o.members().keySet()) {
      if (!allowed.contains(name)) {
        return at + "." + name + ": Extra inputs are not permitted";
      }
    }
    return null;
  }

  /**
   * The Kimi-form request with {@code body}: the call's headers, and for a host that takes calls
   * without a key (vLLM and SGLang without {@code --api-key}), a stand-in key the model behind
   * reads as any.
   */
  private RecordedRequest withKey(RecordedRequest request, byte[] body) {
    Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
    if (!hasKey(request)) {
      headers.keySet().removeIf(k -> k.equalsIgnoreCase("Authorization"));
      headers.put("Authorization", List.of("Bearer no-key-needed"));
    }
    return new RecordedRequest("POST", request.path(), headers, body);
  }

  /**
   * Replaces the host's thinking switch in {@code out} with Moonshot's {@code thinking} object as
   * the model reads it; returns OpenRouter's {@code reasoning.exclude}.
   */
  private boolean thinking(JsonObject body, Map<String, JsonValue> out) {
    switch (thinkingSwitch) {
      case THINKING_OBJECT -> {
        return false;
      }
      case CHAT_TEMPLATE_KWARGS -> {
        out.remove("thinking");
        out.remove("reasoning_effort");
        out.remove("chat_template_kwargs");
        if (!(body.get("chat_template_kwargs") instanceof JsonObject kwargs)) {
          return false;
        }
        JsonValue on = kwargs.get("thinking");
        if (!(on instanceof JsonBoolean)) {
          on = kwargs.get("enable_thinking");
        }
        if (!(on instanceof JsonBoolean b)) {
          return false; // the template's default: it thinks
        }
        JsonObject.Builder t = JsonObject.builder().put("type", b.value() ? "enabled" : "disabled");
        if (b.value()
            && kwargs.get("preserve_thinking") instanceof JsonBoolean keep
            && keep.value()) {
          t.put("keep", "all");
        }
        if (b.value() && kwargs.get("thinking_effort") instanceof JsonString effort) {
          t.put("effort", effort.value());
        }
        out.put("thinking", t.build());
        return false;
      }
      case REASONING_OBJECT -> {
        out.remove("thinking");
        out.remove("reasoning");
        out.remove("reasoning_effort");
        Boolean on = null;
        boolean exclude = false;
        if (body.get("reasoning") instanceof JsonObject reasoning) {
          if (reasoning.get("enabled") instanceof JsonBoolean b) {
            on = b.value();
          }
          if (reasoning.get("effort") instanceof JsonString e) {
            on = !e.value().equals("none");
          } else if (reasoning.get("max_tokens") instanceof JsonNumber) {
            on = true;
          }
          exclude = reasoning.get("exclude") instanceof JsonBoolean x && x.value();
        }
        if (on == null && body.get("reasoning_effort") instanceof JsonString e) {
          on = !e.value().equals("none");
        }
        if (on != null) {
          // the host maps its effort levels to the provider's; the model is asked to think
          out.put("thinking", JsonObject.of("type", JsonString.of(on ? "enabled" : "disabled")));
        }
        return exclude;
      }
      case REASONING_ENABLED_AND_EFFORT -> {
        out.remove("thinking");
        out.remove("reasoning");
        out.remove("reasoning_effort");
        Boolean on = null;
        if (body.get("reasoning") instanceof JsonObject reasoning
            && reasoning.get("enabled") instanceof JsonBoolean b) {
          on = b.value(); // reasoning.effort is not read
        }
        // the levels its reasoning guide documents; another value is not read
        String effort =
            body.get("reasoning_effort") instanceof JsonString e
                    && List.of("low", "medium", "high").contains(e.value())
                ? e.value()
                : null;
        if (on != null || effort != null) {
          boolean thinks = on == null || on;
          JsonObject.Builder t = JsonObject.builder().put("type", thinks ? "enabled" : "disabled");
          if (thinks && effort != null) {
            t.put("effort", effort);
          }
          out.put("thinking", t.build());
        }
        return false;
      }
      case REASONING_EFFORT_AND_HISTORY -> {
        out.remove("thinking");
        out.remove("reasoning_effort");
        out.remove("reasoning_history");
        Boolean on = null;
        String effort = null;
        if (body.get("thinking") instanceof JsonObject t
            && t.get("type") instanceof JsonString type) {
          on = type.value().equals("enabled");
        }
        JsonValue e = body.get("reasoning_effort");
        if (e instanceof JsonString level) {
          on = !level.value().equals("none");
          effort = on ? level.value() : null;
        } else if (e instanceof JsonBoolean b) {
          on = b.value();
        } else if (e instanceof JsonNumber) {
          on = true;
        }
        boolean keep =
            body.get("reasoning_history") instanceof JsonString h && h.value().equals("preserved");
        if (on != null) {
          JsonObject.Builder t = JsonObject.builder().put("type", on ? "enabled" : "disabled");
          if (on && keep) {
            t.put("keep", "all");
          }
          if (effort != null) {
            t.put("effort", effort);
          }
          out.put("thinking", t.build());
        }
        return false;
      }
    }
    throw new AssertionError(thinkingSwitch);
  }

  /**
   * An assistant message of the history as the host reads it: {@code reasoning_content} from the
   * first of the keys it reads that carries text, every other reasoning key dropped.
   */
  private JsonObject historyReasoning(JsonObject message) {
    String reasoning = null;
    for (String key : historyKeys) {
      reasoning = reasoningText(message.get(key));
      if (reasoning != null) {
        break;
      }
    }
    Map<String, JsonValue> out = new LinkedHashMap<>(message.members());
    REASONING_KEYS.forEach(out::remove);
    if (reasoning != null) {
      out.put("reasoning_content", JsonString.of(reasoning));
    }
    return JsonObject.of(out);
  }

  /** A reasoning member's text: a string, or OpenRouter's details' texts joined. */
  private static String reasoningText(JsonValue v) {
    if (v instanceof JsonString s) {
      return s.value();
    }
    if (v instanceof JsonArray details) {
      StringBuilder sb = null;
      for (JsonValue d : details.values()) {
        if (d instanceof JsonObject o && o.get("text") instanceof JsonString t) {
          sb = sb == null ? new StringBuilder() : sb;
          sb.append(t.value());
        }
      }
      return sb == null ? null : sb.toString();
    }
    return null;
  }

  // ---- the answer, in the host's words ----

  /** The model's answer to {@code asked} written as this host writes it. */
  private FakeResponse reply(FakeResponse answer, Read asked) {
    FakeResponse r = withoutRequestId(answer);
    if (r.status() >= 400) {
      return r.streamed() ? r : FakeSurface.translateBody(r, body -> refusal(r.status(), body));
    }
    if (asked.hostModel() == null) {
      return r;
    }
    if (!r.streamed()) {
      return FakeSurface.translateBody(r, body -> completion(body, asked));
    }
    return r.withParts(new Chunks(asked).translate(r.parts()));
  }

  private static FakeResponse withoutRequestId(FakeResponse r) {
    return r.headers().keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Msh-Request-Id"))
        ? r.withoutHeader("Msh-Request-Id")
        : r;
  }

  /** Kimi's error envelope as the host writes the model's refusal, or null for another body. */
  private String refusal(int status, String body) {
    if (!(Json.parse(body) instanceof JsonObject o)
        || o.get("choices") != null
        || !(o.get("error") instanceof JsonObject e)
        || !(e.get("message") instanceof JsonString m)) {
      return null;
    }
    String type = e.get("type") instanceof JsonString t ? t.value() : null;
    FakeResponse own = fromModel(status, type, m.value(), body);
    return new String(own.parts().get(0).bytes(), StandardCharsets.UTF_8);
  }

  /** A completion's JSON in the host's words, or null when it is not a completion. */
  private String completion(String body, Read asked) {
    if (!(Json.parse(body) instanceof JsonObject o)
        || !(o.get("choices") instanceof JsonArray choices)) {
      return null;
    }
    Map<String, JsonValue> out = new LinkedHashMap<>(o.members());
    out.put("model", JsonString.of(asked.hostModel()));
    List<JsonValue> written = new ArrayList<>();
    for (JsonValue c : choices.values()) {
      if (c instanceof JsonObject choice && choice.get("message") instanceof JsonObject message) {
        Map<String, JsonValue> ch = new LinkedHashMap<>(choice.members());
        ch.put("message", message(message, asked));
        written.add(JsonObject.of(ch));
      } else {
        written.add(c);
      }
    }
    out.put("choices", JsonArray.of(written));
    if (o.get("usage") instanceof JsonObject usage) {
      out.put("usage", usage(usage));
    }
    return Json.write(JsonObject.of(out));
  }

  /** A message or delta in the host's words: its reasoning key, its tool-call ids. */
  private JsonObject message(JsonObject message, Read asked) {
    Map<String, JsonValue> out = new LinkedHashMap<>(message.members());
    JsonValue reasoning = out.remove("reasoning_content");
    if (reasoning instanceof JsonString text && !asked.exclude()) {
      out.put(replyKey, text);
      if (reasoningDetails) {
        out.put(
            "reasoning_details",
            JsonArray.of(
                JsonObject.builder()
                    .put("type", "reasoning.text")
                    .put("text", text.value())
                    .put("format", "unknown")
                    .put("index", 0)
                    .build()));
      }
    }
    if (templateToolIds && out.get("tool_calls") instanceof JsonArray calls) {
      List<JsonValue> renamed = new ArrayList<>();
      for (int i = 0; i < calls.size(); i++) {
        renamed.add(templateId(calls.get(i), i, asked.history()));
      }
      out.put("tool_calls", JsonArray.of(renamed));
    }
    return JsonObject.of(out);
  }

  /**
   * A tool call with the id vLLM and SGLang make for Kimi's parsers, {@code functions.NAME:IDX}:
   * {@code IDX} the tool calls of the request's assistant messages plus the call's position in this
   * reply ({@code index} in a stream). A streamed call's later deltas carry no id and stay so.
   */
  private static JsonValue templateId(JsonValue call, int position, int history) {
    if (!(call instanceof JsonObject c) || !c.has("id")) {
      return call;
    }
    int index = c.get("index") instanceof JsonNumber n ? n.intValue() : position;
    String name =
        c.get("function") instanceof JsonObject f && f.get("name") instanceof JsonString s
            ? s.value()
            : "";
    Map<String, JsonValue> out = new LinkedHashMap<>(c.members());
    out.put("id", JsonString.of("functions." + name + ":" + (history + index)));
    return JsonObject.of(out);
  }

  /** Usage where the host puts it: cached tokens under {@code prompt_tokens_details} only. */
  private static JsonObject usage(JsonObject usage) {
    Map<String, JsonValue> out = new LinkedHashMap<>(usage.members());
    out.remove("cached_tokens");
    return JsonObject.of(out);
  }

  /**
   * Writes a chat stream's chunks in the host's words, one event at a time: its model id, its
   * reasoning key, its tool-call ids, the usage only in a chunk of its own (OpenRouter always sends
   * one, the others when {@code stream_options.include_usage} asks), and OpenRouter's keep-alive
   * comment first.
   */
  private final class Chunks extends SseTranslator {
    private final Read asked;
    private boolean started;
    private boolean usageChunk;
    private JsonObject lastUsage;
    private String id = "";
    private long created;

    Chunks(Read asked) {
      this.asked = asked;
    }

    @Override
    String end(boolean dropped) {
      return "";
    }

    @Override
    void translate(String event, StringBuilder out) {
      if (!started) {
        started = true;
        if (FakeDialect.this == OPENROUTER) {
          out.append(": OPENROUTER PROCESSING\n\n");
        }
      }
      String data = data(event);
      if (data == null) {
        out.append(event);
        return;
      }
      if (data.strip().equals("[DONE]")) {
        if (FakeDialect.this == OPENROUTER && !usageChunk && lastUsage != null) {
          JsonObject usage =
              JsonObject.builder()
                  .put("id", id)
                  .put("object", "chat.completion.chunk")
                  .put("created", created)
                  .put("model", asked.hostModel())
                  .put("choices", JsonArray.of())
                  .put("usage", lastUsage)
                  .build();
          out.append("data: ").append(Json.write(usage)).append("\n\n");
        }
        out.append(event);
        return;
      }
      JsonObject o;
      try {
        o = Json.parse(data).asObject();
      } catch (RuntimeException notAChunk) {
        out.append(event);
        return;
      }
      Map<String, JsonValue> chunk = new LinkedHashMap<>(o.members());
      if (o.get("id") instanceof JsonString s) {
        id = s.value();
      }
      if (o.get("created") instanceof JsonNumber n) {
        created = n.longValue();
      }
      if (o.has("model")) {
        chunk.put("model", JsonString.of(asked.hostModel()));
      }
      if (o.get("usage") instanceof JsonObject usage) {
        usageChunk = true;
        chunk.put("usage", usage(usage));
      }
      if (o.get("choices") instanceof JsonArray choices) {
        List<JsonValue> written = new ArrayList<>();
        for (JsonValue c : choices.values()) {
          if (!(c instanceof JsonObject choice)) {
            written.add(c);
            continue;
          }
          Map<String, JsonValue> ch = new LinkedHashMap<>(choice.members());
          if (ch.remove("usage") instanceof JsonObject usage) {
            lastUsage = usage(usage);
          }
          if (choice.get("delta") instanceof JsonObject delta) {
            ch.put("delta", message(delta, asked));
          }
          written.add(JsonObject.of(ch));
        }
        chunk.put("choices", JsonArray.of(written));
      }
      out.append("data: ").append(Json.write(JsonObject.of(chunk))).append("\n\n");
    }
  }

  // ---- an error after the output began ----

  /**
   * Cuts a streamed 200 answer after its first chunk of output (its first reasoning, content or
   * tool-call delta) and fails it there as the host does: OpenRouter with a chunk carrying a
   * top-level {@code error} (its {@code code} a string) and {@code finish_reason: "error"}, the
   * stream ending after it; the others with {@code data: {"error":{...}}} in their envelope, then
   * {@code data: [DONE]}. Any other answer is returned as it is.
   */
  FakeResponse failStream(FakeResponse response) {
    if (!response.streamed() || response.status() != 200) {
      return response;
    }
    StringBuilder all = new StringBuilder();
    for (FakeResponse.Part p : response.parts()) {
      if (p.bytes() == FakeResponse.DROP) {
        return response; // a scripted fault stays one
      }
      all.append(new String(p.bytes(), StandardCharsets.UTF_8));
    }
    List<FakeResponse.Part> out = new ArrayList<>();
    String text = all.toString().replace("\r\n", "\n");
    JsonObject first = null;
    int at = 0;
    int end;
    while ((end = text.indexOf("\n\n", at)) >= 0) {
      String event = text.substring(at, end + 2);
      at = end + 2;
      String data = SseTranslator.data(event);
      if (data != null && data.strip().equals("[DONE]")) {
        break;
      }
      out.add(part(event));
      JsonObject chunk = chunk(data);
      if (chunk != null && first == null) {
        first = chunk;
      }
      if (chunk != null && hasOutput(chunk)) {
        break;
      }
    }
    out.add(part("data: " + Json.write(streamError(first)) + "\n\n"));
    if (this != OPENROUTER) {
      out.add(part("data: [DONE]\n\n"));
    }
    return response.withParts(out);
  }

  private static FakeResponse.Part part(String text) {
    return new FakeResponse.Part(Duration.ZERO, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A chunk's JSON object; null for {@code [DONE]}, a comment or data that is not an object. */
  static JsonObject chunk(String data) {
    if (data == null) {
      return null;
    }
    try {
      return Json.parse(data) instanceof JsonObject o ? o : null;
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  /** Whether a chunk carries output: a delta with reasoning, content or tool calls. */
  static boolean hasOutput(JsonObject chunk) {
    if (!(chunk.get("choices") instanceof JsonArray choices)) {
      return false;
    }
    for (JsonValue c : choices.values()) {
      if (c instanceof JsonObject choice && choice.get("delta") instanceof JsonObject delta) {
        for (String key : List.of("content", "reasoning_content", "reasoning")) {
          if (delta.get(key) instanceof JsonString s && !s.value().isEmpty()) {
            return true;
          }
        }
        if (delta.get("tool_calls") instanceof JsonArray calls && !calls.isEmpty()) {
          return true;
        }
      }
    }
    return false;
  }

  private static final String STREAM_FAILED = "The server had an error while generating the reply";

  /** The payload that fails a stream after its output began, in the host's envelope. */
  JsonObject streamError(JsonObject first) {
    return switch (this) {
      case OPENROUTER -> {
        JsonObject.Builder b = JsonObject.builder();
        if (first != null) {
          for (String key : List.of("id", "object", "created", "model")) {
            if (first.get(key) != null) {
              b.put(key, first.get(key));
            }
          }
        }
        b.put("provider", "Moonshot AI");
        b.put(
            "error",
            JsonObject.of(
                "code",
                JsonString.of("server_error"),
                "message",
                JsonString.of("Provider disconnected unexpectedly")));
        b.put(
            "choices",
            JsonArray.of(
                JsonObject.builder()
                    .put("index", 0)
                    .put("delta", JsonObject.of("content", JsonString.of("")))
                    .put("finish_reason", "error")
                    .build()));
        yield b.build();
      }
      case SGLANG -> {
        FakeResponse own = own(500, null, STREAM_FAILED);
        yield JsonObject.of(
            "error", Json.parse(own.parts().get(0).bytes()).asObject()); // its flat body, nested
      }
      case MOONSHOT, VLLM, FIREWORKS, TOGETHER -> {
        FakeResponse own = own(500, null, STREAM_FAILED);
        yield JsonObject.of(
            "error", Json.parse(own.parts().get(0).bytes()).asObject().get("error"));
      }
    };
  }
}
