package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.tool.ToolCall;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The names of the semantic conventions release the module follows ({@value
 * KimiTelemetry#SEMANTIC_CONVENTIONS}) and the {@code kimi.*} ones, and what each is read from: a
 * request, a target, a completion, a failure. Which are written: the core names always, the
 * detailed token counts with {@code experimental}, the messages with {@code contents} (structured
 * where the OpenTelemetry API in use has {@code AttributeKey.valueKey}, JSON strings otherwise).
 */
final class GenAi {

  // Every name below is defined in open-telemetry/semantic-conventions v1.41.1: the gen_ai.* ones
  // in model/gen-ai/registry.yaml, server.* in model/server, error.type in model/error,
  // http.response.status_code in model/http. GenAiNamesTest holds them to that release's list.
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
  static final AttributeKey<Double> TEMPERATURE =
      AttributeKey.doubleKey("gen_ai.request.temperature");
  static final AttributeKey<Double> TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
  static final AttributeKey<Long> SEED = AttributeKey.longKey("gen_ai.request.seed");
  static final AttributeKey<Long> CHOICE_COUNT =
      AttributeKey.longKey("gen_ai.request.choice.count");
  static final AttributeKey<List<String>> STOP_SEQUENCES =
      AttributeKey.stringArrayKey("gen_ai.request.stop_sequences");
  static final AttributeKey<Double> PRESENCE_PENALTY =
      AttributeKey.doubleKey("gen_ai.request.presence_penalty");
  static final AttributeKey<Double> FREQUENCY_PENALTY =
      AttributeKey.doubleKey("gen_ai.request.frequency_penalty");
  static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("gen_ai.request.stream");
  static final AttributeKey<String> OUTPUT_TYPE = AttributeKey.stringKey("gen_ai.output.type");
  static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
  static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<List<String>> FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  static final AttributeKey<Double> TIME_TO_FIRST_CHUNK =
      AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

  // Behind experimentalAttributes: the detailed counts, added in 1.40.0 and 1.41.0, whose names
  // the GenAI repository's unreleased text is already restructuring.
  static final AttributeKey<Long> CACHE_READ_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
  static final AttributeKey<Long> CACHE_CREATION_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
  static final AttributeKey<Long> REASONING_TOKENS =
      AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");

  // Behind captureMessageContent: what users wrote and the model answered, as JSON strings where
  // the API has no structured values (Structured.INPUT_MESSAGES and OUTPUT_MESSAGES otherwise).
  static final AttributeKey<String> INPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.input.messages");
  static final AttributeKey<String> OUTPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.output.messages");

  // kimi.*: what the conventions have no name for.
  static final AttributeKey<Double> COST = AttributeKey.doubleKey("kimi.cost");
  static final AttributeKey<String> COST_CURRENCY = AttributeKey.stringKey("kimi.cost.currency");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("kimi.request_id");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("kimi.attempt");
  static final AttributeKey<Long> TARGET = AttributeKey.longKey("kimi.target");
  static final AttributeKey<String> TARGET_HOST = AttributeKey.stringKey("kimi.target.host");

  /** The hosts that are Moonshot AI's own platforms ({@code Host.name()}), whatever their URL. */
  private static final List<String> MOONSHOT_HOSTS =
      List.of("moonshot", "moonshot-cn", "kimi-code");

  /** The longest error identifier a server gives that is kept as {@code error.type}. */
  static final int MAX_ERROR_TYPE = 64;

  private final boolean experimental;
  private final boolean contents;
  private final boolean structured;
  private final PriceTable prices;

  GenAi(boolean experimental, boolean contents, PriceTable prices) {
    this(experimental, contents, Structured.AVAILABLE, prices);
  }

  /** As the application's API allows, or, in a test, messages as JSON strings whatever it has. */
  GenAi(boolean experimental, boolean contents, boolean structured, PriceTable prices) {
    this.experimental = experimental;
    this.contents = contents;
    this.structured = contents && structured;
    this.prices = prices;
  }

  /**
   * Returns {@code gen_ai.provider.name} for a host ({@code Host.name()}): {@value
   * KimiTelemetry#PROVIDER} for Moonshot AI's own platforms, the value the GenAI conventions'
   * repository lists for Moonshot AI (its text after v1.41.1, which lists none), and the host's own
   * name for any other (vLLM, SGLang, OpenRouter, Fireworks, Together, a compatible server), for
   * which neither lists a value: the conventions' provider names are open, and the host serves the
   * call, whoever made the model.
   */
  static String provider(String host) {
    return MOONSHOT_HOSTS.contains(host) ? KimiTelemetry.PROVIDER : host;
  }

  /** The attributes a call's span and its metrics share: operation, provider, model, server. */
  AttributesBuilder shared(ChatRequest r, ServedBy target, URI endpoint) {
    AttributesBuilder a =
        Attributes.builder()
            .put(OPERATION_NAME, "chat")
            .put(PROVIDER_NAME, provider(target.host()))
            .put(REQUEST_MODEL, r.model());
    server(a, endpoint);
    return a;
  }

  /** Puts the server's address and port, as the URL names them or its scheme implies. */
  static void server(AttributesBuilder a, URI endpoint) {
    if (endpoint == null || endpoint.getHost() == null) {
      return;
    }
    a.put(SERVER_ADDRESS, endpoint.getHost());
    int port = endpoint.getPort();
    if (port < 0) {
      port = "http".equalsIgnoreCase(endpoint.getScheme()) ? 80 : 443;
    }
    a.put(SERVER_PORT, (long) port);
  }

  /**
   * Returns {@code error.type} for a failure, as the conventions ask ("the error code returned by
   * the Generative AI provider or the client library, the canonical name of exception that
   * occurred, or another low-cardinality error identifier"): a server's refusal by the error's own
   * type (Kimi's {@code error.type}, such as {@code engine_overloaded_error}) when it gave one of a
   * safe form, else by its HTTP status ({@code "503"}); any other failure (a timeout, a cut
   * connection, a request the client refused before sending) by its class's name.
   */
  static String errorType(Throwable failure) {
    if (failure instanceof io.github.kimisdk.errors.StreamAbortedException s
        && s.reason() instanceof ApiException) {
      failure = s.reason(); // an error event after chunks: the type the host sent
    }
    if (failure instanceof ApiException a) {
      Optional<String> type = a.errorType();
      if (type.isPresent() && identifier(type.get())) {
        return type.get();
      }
      if (a.status() > 0) {
        return Integer.toString(a.status());
      }
    }
    return failure.getClass().getName();
  }

  /** Whether a server's error type is a short identifier: letters, digits, {@code _ . -}. */
  static boolean identifier(String s) {
    if (s.isEmpty() || s.length() > MAX_ERROR_TYPE) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Returns the HTTP status a failure carries (of the response that failed it), or 0. */
  static int status(Throwable failure) {
    if (failure instanceof io.github.kimisdk.errors.StreamAbortedException s
        && s.reason() instanceof ApiException r) {
      return r.status();
    }
    if (failure instanceof ApiException a) {
      return a.status();
    }
    if (failure instanceof KimiException k) {
      return k.metadata().map(ResponseMetadata::statusCode).orElse(0);
    }
    return 0;
  }

  /** The span's attributes at its start: {@code shared} and the request's settings. */
  Attributes request(Attributes shared, ChatRequest r, boolean streamed) {
    AttributesBuilder a = shared.toBuilder();
    if (r.maxCompletionTokens() != null) {
      a.put(MAX_TOKENS, (long) r.maxCompletionTokens());
    }
    putIfPresent(a, TEMPERATURE, r.temperature());
    putIfPresent(a, TOP_P, r.topP());
    putIfPresent(a, PRESENCE_PENALTY, r.presencePenalty());
    putIfPresent(a, FREQUENCY_PENALTY, r.frequencyPenalty());
    if (r.n() != null && r.n() != 1) {
      a.put(CHOICE_COUNT, (long) r.n());
    }
    if (!r.stop().isEmpty()) {
      a.put(STOP_SEQUENCES, r.stop());
    }
    // ChatRequest does not model a seed; it travels as an extra body member
    JsonValue seed = r.extraBody().get("seed");
    if (seed instanceof JsonNumber n && n.literal().matches("-?\\d{1,18}")) {
      a.put(SEED, n.longValue());
    }
    if (streamed) {
      a.put(STREAM, true); // "if and only if the request is streaming"
    }
    ResponseFormat format = r.responseFormat();
    if (format != null) {
      a.put(OUTPUT_TYPE, format.type() == ResponseFormat.Type.TEXT ? "text" : "json");
    }
    if (contents) {
      JsonArray messages = messages(r.messages());
      if (structured) {
        Structured.putInput(a, messages);
      } else {
        a.put(INPUT_MESSAGES, Json.write(messages));
      }
    }
    return a.build();
  }

  /** The span's attributes at its end: the response's ids, reasons, tokens, cost, status. */
  Attributes response(ChatCompletion c) {
    AttributesBuilder a = Attributes.builder();
    putIfPresent(a, RESPONSE_ID, c.id());
    putIfPresent(a, RESPONSE_MODEL, c.model());
    List<String> reasons = new ArrayList<>(c.choices().size());
    for (Choice ch : c.choices()) {
      if (ch.finishReason() != null) {
        reasons.add(ch.finishReason().toString());
      }
    }
    if (!reasons.isEmpty()) {
      a.put(FINISH_REASONS, reasons);
    }
    Usage u = c.usage();
    if (u != null) {
      a.put(INPUT_TOKENS, (long) u.promptTokens());
      a.put(OUTPUT_TOKENS, (long) u.completionTokens());
      if (experimental) {
        putIfPresent(a, CACHE_READ_TOKENS, u.cachedTokens());
        putIfPresent(a, CACHE_CREATION_TOKENS, u.cacheWriteTokens());
        putIfPresent(a, REASONING_TOKENS, u.reasoningTokens());
      }
      if (c.model() != null) {
        Optional<Cost> cost = cost(c.model(), u);
        cost.ifPresent(
            k -> {
              a.put(COST, k.total().doubleValue());
              a.put(COST_CURRENCY, k.currency().getCurrencyCode());
            });
      }
    }
    ResponseMetadata md = c.metadata();
    if (md != null) {
      md.requestId().ifPresent(id -> a.put(REQUEST_ID, id));
      if (md.statusCode() > 0) {
        a.put(HTTP_STATUS, (long) md.statusCode());
      }
    }
    if (contents) {
      List<JsonValue> out = new ArrayList<>(c.choices().size());
      for (Choice ch : c.choices()) {
        out.add(
            message(ch.message(), ch.finishReason() == null ? null : ch.finishReason().toString()));
      }
      JsonArray messages = JsonArray.of(out);
      if (structured) {
        Structured.putOutput(a, messages);
      } else {
        a.put(OUTPUT_MESSAGES, Json.write(messages));
      }
    }
    return a.build();
  }

  private Optional<Cost> cost(String model, Usage u) {
    try {
      return prices.cost(model, u);
    } catch (RuntimeException refused) {
      return Optional.empty(); // a usage the table refuses: no cost rather than no span
    }
  }

  /** The messages in the conventions' shape (the input messages' JSON schema): role and parts. */
  static JsonArray messages(List<Message> messages) {
    List<JsonValue> out = new ArrayList<>(messages.size());
    for (Message m : messages) {
      if (m instanceof SystemMessage s) {
        out.add(text("system", s.content()));
      } else if (m instanceof UserMessage u) {
        out.add(text("user", u.text()));
      } else if (m instanceof AssistantMessage a) {
        out.add(message(a, null));
      } else if (m instanceof ToolMessage t) {
        JsonObject part =
            JsonObject.builder()
                .put("type", JsonString.of("tool_call_response"))
                .put("id", JsonString.of(String.valueOf(t.toolCallId())))
                .put("response", JsonString.of(String.valueOf(t.content())))
                .build();
        out.add(JsonObject.of("role", JsonString.of("tool"), "parts", JsonArray.of(List.of(part))));
      }
    }
    return JsonArray.of(out);
  }

  private static JsonObject text(String role, String content) {
    JsonObject part =
        JsonObject.of(
            "type", JsonString.of("text"), "content", JsonString.of(String.valueOf(content)));
    return JsonObject.of("role", JsonString.of(role), "parts", JsonArray.of(List.of(part)));
  }

  /** An assistant message: its reasoning, its text and its tool calls, as parts. */
  private static JsonObject message(AssistantMessage a, String finishReason) {
    List<JsonValue> parts = new ArrayList<>();
    if (a.reasoningContent() != null && !a.reasoningContent().isEmpty()) {
      parts.add(
          JsonObject.of(
              "type", JsonString.of("reasoning"), "content", JsonString.of(a.reasoningContent())));
    }
    if (a.content() != null && !a.content().isEmpty()) {
      parts.add(
          JsonObject.of("type", JsonString.of("text"), "content", JsonString.of(a.content())));
    }
    for (ToolCall t : a.toolCalls()) {
      parts.add(
          JsonObject.builder()
              .put("type", JsonString.of("tool_call"))
              .put("id", JsonString.of(String.valueOf(t.id())))
              .put("name", JsonString.of(String.valueOf(t.name())))
              .put("arguments", arguments(t.arguments()))
              .build());
    }
    JsonObject.Builder b =
        JsonObject.builder()
            .put("role", JsonString.of("assistant"))
            .put("parts", JsonArray.of(parts));
    if (finishReason != null) {
      b.put("finish_reason", JsonString.of(finishReason));
    }
    return b.build();
  }

  /** A tool call's arguments as the object they encode, or as their text when they are no JSON. */
  private static JsonValue arguments(String arguments) {
    if (arguments == null) {
      return JsonString.of("null");
    }
    String s = arguments.strip();
    if (s.startsWith("{")) {
      try {
        return Json.parse(s);
      } catch (RuntimeException notJson) {
        // a model's broken arguments are kept as it wrote them
      }
    }
    return JsonString.of(arguments);
  }

  private static <T> void putIfPresent(AttributesBuilder a, AttributeKey<T> key, T value) {
    if (value != null) {
      a.put(key, value);
    }
  }

  private static void putIfPresent(AttributesBuilder a, AttributeKey<Long> key, Integer value) {
    if (value != null) {
      a.put(key, (long) value);
    }
  }
}
