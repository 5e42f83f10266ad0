package io.github.kimisdk.langchain4j;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the model says to the prompts of LangChain4j's test kit, as a {@link
 * io.github.kimisdk.testing.FakeKimiServer} responder. Each answer depends on what the request
 * carries, so a mapping that loses something fails the kit: the translation needs the system
 * message, the favourite colour the earlier turn, the tool calls the declared tools (and "I live in
 * Munich" a required tool choice), the JSON answers a response format, the cut a stop sequence, the
 * description the images. What is left to the fake's own model (answers after tool results, which
 * quote the results) is answered by it, under Kimi's rules (reasoning_content on a thinking model's
 * tool-call history, tool results answering every call). The server's model writes every answer out
 * for the request, streamed or not, with reasoning first on a thinking model and {@code
 * max_completion_tokens} cutting it short.
 */
final class KitAnswers extends ChatAnswers {

  private static final Pattern COLOR = Pattern.compile("(?i)favorite color is (\\w+)");

  @Override
  FakeResponse answer(JsonObject body, List<JsonObject> messages) {
    JsonObject last = messages.get(messages.size() - 1);
    String format = responseFormat(body);
    if (role(last).equals("tool")) {
      // after tool results: the fake's model quotes them; a JSON answer is the kit's schema's
      if (format.equals("json_schema") && text(last).contains("sunny")) {
        return FakeResponse.reply("{\"weather\": \"sunny\"}");
      }
      return null;
    }
    String user = text(last);
    Set<String> tools = tools(body).keySet();
    if (!tools.isEmpty()) {
      return toolTurn(body, user, tools);
    }
    if (user.contains("capital of Germany")) {
      if (!format.equals("text")) {
        return FakeResponse.reply("{\"city\": \"Berlin\"}");
      }
      return FakeResponse.reply(
          user.contains("2 + 2")
              ? "The capital of Germany is Berlin, and two plus two is four. Berlin is also the"
                  + " largest city of the country, and four is an even number."
              : "The capital of Germany is Berlin.");
    }
    if (user.startsWith("Translate:")) {
      boolean german =
          messages.stream().anyMatch(m -> role(m).equals("system") && text(m).contains("German"));
      return FakeResponse.reply(german ? "Ich liebe dich" : "I love you");
    }
    if (user.contains("What is my favorite color?")) {
      for (JsonObject m : messages) {
        Matcher c = COLOR.matcher(role(m).equals("user") ? text(m) : "");
        if (c.find()) {
          return FakeResponse.reply("Your favorite color is " + c.group(1) + ".");
        }
      }
      return FakeResponse.reply("You have not told me your favorite color.");
    }
    if (user.contains("Say 'Hello World'")) {
      return FakeResponse.reply(cutAtStop("Hello World", body));
    }
    if (user.startsWith("What do you see")) {
      int images = images(last);
      return FakeResponse.reply(
          images == 0
              ? "I see no image."
              : images == 1 ? "I see a cat." : "The first image shows a cat, the second dice.");
    }
    if (user.contains("long story")) {
      StringBuilder story = new StringBuilder("Once upon a time");
      for (String animal : List.of("a fox", "a bear", "an owl", "a hare", "a wolf", "a deer")) {
        story.append(", ").append(animal).append(" walked through the quiet forest");
      }
      return FakeResponse.reply(story.append('.').toString());
    }
    return null;
  }

  private static FakeResponse toolTurn(JsonObject body, String user, Set<String> tools) {
    boolean required =
        body.get("tool_choice") instanceof JsonString c && c.value().equals("required");
    if (user.contains("weather in Munich and time in France") && tools.contains("getTime")) {
      return FakeResponse.toolCalls(
          ToolCall.function(null, "getWeather", "{\"city\":\"Munich\"}"),
          ToolCall.function(null, "getTime", "{\"country\":\"France\"}"));
    }
    if (user.contains("weather in Munich") && tools.contains("getWeather")) {
      return FakeResponse.toolCalls(ToolCall.function(null, "getWeather", "{\"city\":\"Munich\"}"));
    }
    if (user.equals("I live in Munich")) {
      return required && tools.contains("getWeather")
          ? FakeResponse.toolCalls(ToolCall.function(null, "getWeather", "{\"city\":\"Munich\"}"))
          : FakeResponse.reply("Munich is a fine city.");
    }
    if (user.contains("get_current_time") && tools.contains("get_current_time")) {
      // streamed, Kimi sends "{}" whole; the fake's model would split it into two fragments
      return stream(body) ? noArgumentCallStream(body, "get_current_time") : null;
    }
    return null;
  }

  /**
   * A Kimi-shaped stream of one call without arguments: reasoning first when the model thinks, the
   * call's id and name, then its arguments {@code {}} in one fragment, then the finish with usage.
   */
  private static FakeResponse noArgumentCallStream(JsonObject body, String name) {
    String model = ((JsonString) body.get("model")).value();
    boolean thinking =
        !(body.get("thinking") instanceof JsonObject t
            && t.get("type") instanceof JsonString type
            && type.value().equals("disabled"));
    String head =
        "{\"id\":\"chatcmpl-kit\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\""
            + model
            + "\",\"choices\":[{\"index\":0,";
    FakeResponse.SseBuilder sse = FakeResponse.sse();
    sse.data(
        head + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
    if (thinking) {
      sse.data(
          head
              + "\"delta\":{\"reasoning_content\":\"I will call "
              + name
              + ".\"},\"finish_reason\":null}]}");
    }
    sse.data(
        head
            + "\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\""
            + name
            + ":0\","
            + "\"type\":\"function\",\"function\":{\"name\":\""
            + name
            + "\",\"arguments\":\"\"}}]},"
            + "\"finish_reason\":null}]}");
    sse.data(
        head
            + "\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]},"
            + "\"finish_reason\":null}]}");
    sse.data(
        head
            + "\"delta\":{},\"finish_reason\":\"tool_calls\",\"usage\":{\"prompt_tokens\":"
            + "42,\"completion_tokens\":9,\"total_tokens\":51}}]}");
    return sse.done().build();
  }

  private static boolean stream(JsonObject body) {
    return body.get("stream") instanceof JsonBoolean b && b.value();
  }

  private static String cutAtStop(String text, JsonObject body) {
    int cut = text.length();
    if (body.get("stop") instanceof JsonArray stops) {
      for (JsonValue s : stops.values()) {
        int at = text.indexOf(((JsonString) s).value());
        if (at >= 0) {
          cut = Math.min(cut, at);
        }
      }
    }
    return text.substring(0, cut);
  }

  private static String responseFormat(JsonObject body) {
    return body.get("response_format") instanceof JsonObject f
            && f.get("type") instanceof JsonString t
        ? t.value()
        : "text";
  }

  private static int images(JsonObject m) {
    int n = 0;
    if (m.get("content") instanceof JsonArray parts) {
      for (JsonValue p : parts.values()) {
        if (p instanceof JsonObject part
            && part.get("type") instanceof JsonString t
            && t.value().equals("image_url")
            && part.get("image_url") instanceof JsonObject url
            && ((JsonString) url.get("url")).value().toLowerCase(Locale.ROOT).startsWith("data:")) {
          n++;
        }
      }
    }
    return n;
  }
}
