package io.github.kimisdk.chat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.BuiltinTool;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The content of the golden files under {@code src/test/resources/formats/}: the conversations,
 * batch requests and chat requests they were written from. The files were written once, by the code
 * of their day, and are never regenerated (see that folder's {@code README.md}); these builders say
 * what each file must still read as, and must not change either.
 */
public final class Goldens {

  /** The folder of the golden files on the test class path. */
  public static final String FOLDER = "/formats/";

  /** The saved conversations of version 1, by file name. */
  public static final List<String> CONVERSATIONS_V1 =
      List.of(
          "conversation-v1-tool-turns.json",
          "conversation-v1-media.json",
          "conversation-v1-k3-dynamic-tools.json",
          "conversation-v1-empty.json");

  private Goldens() {}

  /**
   * Reads a golden file as UTF-8.
   *
   * @param name the file name in {@link #FOLDER}
   * @return its text
   */
  public static String read(String name) {
    try (InputStream in = Goldens.class.getResourceAsStream(FOLDER + name)) {
      if (in == null) {
        throw new IllegalStateException("no golden file " + FOLDER + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the conversation a golden file was saved from.
   *
   * @param name one of {@link #CONVERSATIONS_V1}
   * @return a new conversation with that content
   */
  public static Conversation conversation(String name) {
    switch (name) {
      case "conversation-v1-tool-turns.json":
        return toolTurns();
      case "conversation-v1-media.json":
        return media();
      case "conversation-v1-k3-dynamic-tools.json":
        return k3DynamicTools();
      case "conversation-v1-empty.json":
        return Conversation.withId("empty-0");
      default:
        throw new IllegalArgumentException(name);
    }
  }

  /** A thinking model's tool loop: a function and a builtin call, reasoning, names, usage. */
  private static Conversation toolTurns() {
    ToolCall order = ToolCall.function("functions.order_status:0", "order_status", "{\"id\":4711}");
    ToolCall search =
        new ToolCall("$web_search:1", "builtin_function", "$web_search", "{\"q\":\"Beijing\"}");
    Conversation c = Conversation.withId("support-4711").promptCacheTtl(CacheTtl.ONE_HOUR);
    c.add(new SystemMessage("You are a terse support agent.", "support"));
    c.addUser("Where is order 4711? And the weather in Beijing?");
    c.addReply(
        completion(
            "kimi-k2.6",
            new AssistantMessage(
                null,
                "Two lookups: the order, then the weather.",
                List.of(order, search),
                null,
                false),
            new Usage(120, 48, 168, 64, 30, null, 56)));
    c.add(Message.tool(order, "{\"status\":\"shipped\",\"eta\":\"2026-11-27\"}"));
    c.add(Message.tool(search, "Beijing: 3\u00b0C, clear \u2600"));
    c.addReply(
        completion(
            "kimi-k2.6",
            new AssistantMessage(
                "Order 4711 shipped (ETA 27 Nov). Beijing: 3\u00b0C and clear.",
                "",
                List.of(),
                null,
                false),
            new Usage(210, 22, 232, 168, 0, null, null)));
    c.add(new UserMessage(List.of(ContentPart.text("Thanks \"a lot\"\n\tbye")), "alice"));
    c.add(new AssistantMessage("You're welcome.", null, List.of(), "kimi", false));
    c.addUsage("moonshot-v1-8k", Usage.of(12, 5, 17));
    return c;
  }

  /** User content of every part kind, named users, usage of two models. */
  private static Conversation media() {
    Conversation c = Conversation.withId("vision-1").promptCacheTtl(CacheTtl.FIVE_MINUTES);
    c.addSystem("Describe media briefly.");
    c.add(
        Message.user(
            "What is in these?",
            ContentPart.imageUrl("data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="),
            ContentPart.imageFile("file-img-1"),
            ContentPart.videoUrl("data:video/mp4;base64,AAAAIGZ0eXBpc29t"),
            ContentPart.videoFile("file-vid-2")));
    c.addReply(
        completion(
            "kimi-k2.6",
            Message.assistant("A chart, a photo, two clips."),
            new Usage(1800, 9, 1809, null, null, null, 1792)));
    c.add(Message.user(List.of(ContentPart.imageFile("file-img-3"))));
    c.addReply(
        completion(
            "moonshot-v1-8k-vision-preview",
            Message.assistant("A cat."),
            new Usage(900, 3, 903, 0, null, null, null)));
    c.add(new UserMessage(List.of(ContentPart.text("one part, named")), "bob"));
    return c;
  }

  /**
   * Kimi-k3's dynamic tools, a signed reasoning (kept for the Anthropic Messages protocol), members
   * the server sent beside the modelled ones on a message and on a tool call.
   */
  private static Conversation k3DynamicTools() {
    JsonValue city =
        Json.parse(
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                + "\"required\":[\"city\"],\"additionalProperties\":false}");
    FunctionTool weather = new FunctionTool("get_weather", "Weather for a city.", city, true);
    FunctionTool time =
        new FunctionTool("get_time", null, Json.parse("{\"type\":\"object\"}"), null);
    Map<String, JsonValue> callExtra = new LinkedHashMap<>();
    callExtra.put("thought_signature", JsonString.of("ts-1"));
    ToolCall call =
        new ToolCall(
            "get_weather:0",
            "function",
            "get_weather",
            "{\"city\":\"Beijing\"}",
            JsonObject.of(callExtra));
    Map<String, JsonValue> messageExtra = new LinkedHashMap<>();
    messageExtra.put("refusal", Json.parse("null"));
    messageExtra.put("annotations", Json.parse("[{\"type\":\"note\",\"n\":1.5}]"));
    Conversation c = Conversation.withId("k3-agent");
    c.addSystem("Answer with tools when you can.");
    c.add(Message.tools(weather, time));
    c.addUser("Weather in Beijing?");
    c.addReply(
        completion(
            "kimi-k3",
            new AssistantMessage(
                null,
                "I should call get_weather.",
                List.of(call),
                null,
                false,
                "EqQBCkgIARABGAIiQLx3",
                JsonObject.of(messageExtra)),
            new Usage(300, 40, 340, 0, 25, null, 300)));
    c.add(Message.tool(call, "{\"temp_c\":3}"));
    c.addReply(
        completion(
            "kimi-k3",
            new AssistantMessage(
                "3\u00b0C in Beijing.", "Done.", List.of(), null, false, "c2ln", null),
            new Usage(360, 12, 372, 340, 4, null, null)));
    return c;
  }

  private static ChatCompletion completion(String model, AssistantMessage m, Usage usage) {
    return new ChatCompletion(
        "cmpl-1",
        "chat.completion",
        1_764_000_000,
        model,
        List.of(new Choice(0, m, FinishReason.of("stop"), null)),
        usage,
        null);
  }

  /**
   * Returns the requests of the golden batch input ({@code batch-v1-input.jsonl}), each as the
   * client hands it to the batch writer (already adapted to its model).
   *
   * @return the requests, in line order
   */
  public static List<ChatRequest> batchRequests() {
    List<ChatRequest> out = new ArrayList<>();
    out.add(
        ChatRequest.builder("kimi-k2.6")
            .addSystem("Classify the ticket.")
            .addUser("My parcel is late.")
            .maxCompletionTokens(64)
            .build());
    out.add(
        ChatRequest.builder("kimi-k2.6")
            .addUser("Find flights to Tokyo.")
            .addTool(
                new FunctionTool(
                    "search_flights",
                    "Searches flights.",
                    Json.parse(
                        "{\"type\":\"object\",\"properties\":{\"to\":{\"type\":\"string\"}}}"),
                    true))
            .addTool(new BuiltinTool("$web_search"))
            .toolChoice(ToolChoice.auto())
            .thinking(Thinking.enabled())
            .build());
    out.add(
        ChatRequest.builder("moonshot-v1-8k-vision-preview")
            .addMessage(
                Message.user(
                    "Read the label.",
                    ContentPart.imageFile("file-label"),
                    ContentPart.imageUrl("data:image/jpeg;base64,/9j/4AAQ")))
            .responseFormat(
                ResponseFormat.jsonSchema(
                    "label",
                    Json.parse(
                        "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}"),
                    true))
            .promptCacheKey("labels")
            .promptCacheTtl(CacheTtl.ONE_HOUR)
            .temperature(0.3)
            .build());
    out.add(
        ChatRequest.builder("moonshot-v1-8k")
            .addSystem("You are a storyteller.")
            .addUser("A story about a fox.")
            .addMessage(Message.partial("Once upon a time", "narrator"))
            .stop("\n\n", "THE END")
            .n(1)
            .presencePenalty(0.5)
            .frequencyPenalty(-0.25)
            .stream(true)
            .includeUsage(true)
            .build());
    ToolCall call = ToolCall.function("get_weather:0", "get_weather", "{\"city\":\"Paris\"}");
    out.add(
        ChatRequest.builder("kimi-k3")
            .addMessage(
                Message.tools(
                    new FunctionTool(
                        "get_weather", null, Json.parse("{\"type\":\"object\"}"), null)))
            .addUser("Weather in Paris?")
            .addMessage(new AssistantMessage(null, "Call it.", List.of(call), null, false))
            .addMessage(Message.tool(call, "rain"))
            .reasoningEffort("high")
            .safetyIdentifier("user-hash-9")
            .logprobs(true)
            .topLogprobs(2)
            .extraBody("user_tier", JsonString.of("gold"))
            .build());
    out.add(
        ChatRequest.builder("kimi-k2.6")
            .addUser("Rewrite: teh cat")
            .prediction(Prediction.of("the cat"))
            .topP(0.9)
            .toolChoice(ToolChoice.none())
            .responseFormat(ResponseFormat.jsonObject())
            .thinking(Thinking.disabled())
            .build());
    return out;
  }

  /**
   * Returns the requests of the golden chat completions bodies ({@code
   * chat-request-bodies-v1.jsonl}): the batch requests as they are (a stream flag included), then
   * requests that only a direct call sends.
   *
   * @return the requests, in line order
   */
  public static List<ChatRequest> chatRequests() {
    List<ChatRequest> out = new ArrayList<>(batchRequests());
    out.add(ChatRequest.of("kimi-k2.6", "hi"));
    out.add(
        ChatRequest.builder("kimi-k2.6").addUser("stream me").stream(true)
            .includeUsage(false)
            .prediction(Prediction.parts(List.of("a", "b")))
            .toolChoice(ToolChoice.function("get_weather"))
            .addTool(new FunctionTool("get_weather", null, null, false))
            .thinking(Thinking.preserved())
            .responseFormat(ResponseFormat.text())
            .maxTokens(10)
            .build());
    return out;
  }

  /**
   * Returns a request drawn at random: every message kind and most request fields, strings with
   * escapes and non-ASCII text. The same {@code random} state gives the same request.
   *
   * @param random the source
   * @return the request
   */
  public static ChatRequest randomRequest(Random random) {
    ChatRequest.Builder b =
        ChatRequest.builder(pick(random, "kimi-k2.6", "kimi-k3", "moonshot-v1-8k"));
    int turns = 1 + random.nextInt(4);
    if (random.nextBoolean()) {
      b.addMessage(new SystemMessage(text(random), random.nextBoolean() ? null : text(random)));
    }
    for (int t = 0; t < turns; t++) {
      List<ContentPart> parts = new ArrayList<>();
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        switch (random.nextInt(5)) {
          case 0:
            parts.add(ContentPart.imageFile("file-" + random.nextInt(1000)));
            break;
          case 1:
            parts.add(ContentPart.videoUrl("data:video/mp4;base64,AAAA" + random.nextInt(100)));
            break;
          default:
            parts.add(ContentPart.text(text(random)));
        }
      }
      b.addMessage(new UserMessage(parts, random.nextInt(4) == 0 ? text(random) : null));
      if (t == turns - 1) {
        break;
      }
      if (random.nextBoolean()) {
        List<ToolCall> calls = new ArrayList<>();
        int k = 1 + random.nextInt(2);
        for (int i = 0; i < k; i++) {
          calls.add(ToolCall.function("call-" + t + "-" + i, "f" + i, "{\"a\":" + i + "}"));
        }
        b.addMessage(
            new AssistantMessage(
                random.nextBoolean() ? null : text(random),
                random.nextBoolean() ? null : text(random),
                calls,
                null,
                false));
        for (ToolCall c : calls) {
          b.addMessage(Message.tool(c, text(random)));
        }
      } else {
        b.addMessage(
            new AssistantMessage(
                text(random),
                random.nextBoolean() ? null : "",
                List.of(),
                random.nextInt(5) == 0 ? text(random) : null,
                false));
      }
    }
    if (random.nextInt(4) == 0) {
      b.addMessage(Message.partial(text(random)));
    }
    if (random.nextBoolean()) {
      b.maxCompletionTokens(1 + random.nextInt(4096));
    }
    if (random.nextBoolean()) {
      b.temperature(random.nextInt(11) / 10.0);
    }
    if (random.nextBoolean()) {
      b.stream(true).includeUsage(random.nextBoolean());
    }
    if (random.nextBoolean()) {
      b.addTool(
          new FunctionTool(
              "tool_" + random.nextInt(9),
              random.nextBoolean() ? null : text(random),
              Json.parse("{\"type\":\"object\"}"),
              random.nextBoolean() ? null : random.nextBoolean()));
    }
    if (random.nextBoolean()) {
      b.promptCacheKey(text(random));
    }
    if (random.nextInt(3) == 0) {
      b.extraBody("x_" + random.nextInt(9), JsonString.of(text(random)));
    }
    return b.build();
  }

  private static final String[] WORDS = {
    "hi",
    "Beijing",
    "\u5317\u4eac",
    "quote\"d",
    "back\\slash",
    "line\nbreak",
    "tab\there",
    "\u00e9t\u00e9",
    "emoji \ud83d\ude00",
    "ctl\u0001",
    "</script>",
    "   ",
    "{\"json\":1}"
  };

  private static String text(Random random) {
    StringBuilder sb = new StringBuilder(WORDS[random.nextInt(WORDS.length)]);
    int more = random.nextInt(3);
    for (int i = 0; i < more; i++) {
      sb.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }

  private static String pick(Random random, String... values) {
    return values[random.nextInt(values.length)];
  }
}
