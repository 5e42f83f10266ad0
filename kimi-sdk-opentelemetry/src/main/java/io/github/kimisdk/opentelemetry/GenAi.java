package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.UserMessage;
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
 * The GenAI semantic conventions' names ({@value KimiTelemetry#SEMANTIC_CONVENTIONS}) and the
 * {@code kimi.*} ones, and what each is read from: a request, an endpoint, a completion. Which are
 * written: the core names always, the detailed token counts with {@code experimental}, the messages
 * with {@code contents}.
 */
final class GenAi {

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
  static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
  static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<List<String>> FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  // Behind experimentalAttributes: names still moving (cache_creation was renamed cache_write in
  // a proposal; Spring AI 2.0.1 spells none of the three).
  static final AttributeKey<Long> CACHE_READ_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
  static final AttributeKey<Long> CACHE_CREATION_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
  static final AttributeKey<Long> REASONING_TOKENS =
      AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");

  // Behind captureMessageContent: what users wrote and the model answered.
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

  private final boolean experimental;
  private final boolean contents;
  private final PriceTable prices;

  GenAi(boolean experimental, boolean contents, PriceTable prices) {
    this.experimental = experimental;
    this.contents = contents;
    this.prices = prices;
  }

  /** The attributes a call's span and its metrics share: operation, provider, model, server. */
  AttributesBuilder shared(ChatRequest r, URI endpoint) {
    AttributesBuilder a =
        Attributes.builder()
            .put(OPERATION_NAME, "chat")
            .put(PROVIDER_NAME, KimiTelemetry.PROVIDER)
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

  /** The span's attributes at its start: {@code shared} and the request's settings. */
  Attributes request(Attributes shared, ChatRequest r) {
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
    if (contents) {
      a.put(INPUT_MESSAGES, Json.write(messages(r.messages())));
    }
    return a.build();
  }

  /** The span's attributes at its end: the response's ids, reasons, tokens, cost. */
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
    }
    if (contents) {
      List<JsonValue> out = new ArrayList<>(c.choices().size());
      for (Choice ch : c.choices()) {
        out.add(
            message(ch.message(), ch.finishReason() == null ? null : ch.finishReason().toString()));
      }
      a.put(OUTPUT_MESSAGES, Json.write(JsonArray.of(out)));
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

  /** The messages in the conventions' shape: role and parts. */
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

  private static JsonObject message(AssistantMessage a, String finishReason) {
    List<JsonValue> parts = new ArrayList<>();
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
              .put("arguments", JsonString.of(String.valueOf(t.arguments())))
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
