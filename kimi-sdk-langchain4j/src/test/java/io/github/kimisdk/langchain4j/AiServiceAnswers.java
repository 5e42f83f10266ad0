package io.github.kimisdk.langchain4j;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the model says to the prompts of LangChain4j's AiServices suites ({@code
 * AbstractAiServiceWithToolsIT}, {@code AbstractAiServiceWithJsonSchemaIT}, {@code
 * AbstractStreamingAiServiceIT}), as a {@link io.github.kimisdk.testing.FakeKimiServer} responder.
 *
 * <p>Each answer depends on what the request carries, so a mapping that loses something fails the
 * suite: a tool call is made only to a tool the request declares, its arguments named after that
 * tool's parameters as the request's schema lists them (LangChain4j names them {@code arg0}, {@code
 * arg1}, ... for classes compiled without {@code -parameters}); a JSON answer is given only to a
 * request whose {@code json_schema} response format has the suite's name and every property the
 * answer fills. A prompt's tools are called turn by turn: the next turn once the previous turn's
 * results came back. Once every turn ran, the fake's own model answers by quoting the results ("add
 * says 124"), as the suites' assertions expect of a model that read them.
 */
final class AiServiceAnswers extends ChatAnswers {

  /** One call: the tool, and its arguments in the order of the tool's parameters. */
  record Call(String tool, Object... arguments) {}

  /** The calls of each turn, for each prompt of the suites. */
  private static final Map<String, List<List<Call>>> TURNS = new LinkedHashMap<>();

  /** The JSON answer for each (schema name, prompt) of the JSON-schema suite. */
  private static final Map<String, Map<String, String>> JSON = new LinkedHashMap<>();

  private static final String KLAUS =
      "{\"name\":\"Klaus\",\"age\":37,\"height\":1.78,\"married\":false}";
  private static final String FRANNY =
      "{\"name\":\"Franny\",\"age\":35,\"height\":1.65,\"married\":true}";
  private static final String REX = "{\"type\":\"Dog\",\"name\":\"Rex\",\"breed\":\"Labrador\"}";

  private static final String FRANCINE =
      "{\"name\":\"Francine\",\"children\":[{\"name\":\"Steve\",\"children\":[]},"
          + "{\"name\":\"Hayley\",\"children\":[]}]}";

  /** Stands for the number the last tool result of the conversation's earlier turns holds. */
  private static final Object PREVIOUS_RESULT = new Object();

  private static void turns(String prompt, List<Call> turn) {
    TURNS.put(prompt, List.of(turn));
  }

  private static void turns(String prompt, List<Call> first, List<Call> second) {
    TURNS.put(prompt, List.of(first, second));
  }

  private static void json(String schema, String prompt, String answer) {
    JSON.computeIfAbsent(schema, k -> new LinkedHashMap<>()).put(prompt, answer);
  }

  static {
    // AbstractAiServiceWithToolsIT
    turns("How much is 37 plus 87?", List.of(new Call("add", 37, 87)));
    turns(
        "How much is 37 plus 87? Answer in the following format: 37 + 87 = ...",
        List.of(new Call("add", 37, 87)));
    turns(
        "How much is 37 plus 87? How much is 73 plus 78? Call 2 tools in parallel (at the same"
            + " time)!",
        List.of(new Call("add", 37, 87), new Call("add", 73, 78)));
    turns(
        "First add 2 and 3 by calling 'add' tool, then multiply the result by 4 by calling"
            + " 'multiply' tool",
        List.of(new Call("add", 2, 3)),
        List.of(new Call("multiply", 5, 4)));
    turns(
        "Use 'process' tool to process the following: Klaus is 37 years old, 1.78m height and"
            + " single",
        List.of(new Call("process", Json.parse(KLAUS))));
    turns(
        "Use 'process' tool to process the following: Klaus lives in Langley Falls",
        List.of(
            new Call(
                "process",
                Json.parse("{\"name\":\"Klaus\",\"address\":{\"city\":\"Langley Falls\"}}"))));
    turns(
        "Use 'process' tool to process the following: Francine has 2 children: Steve and Hayley",
        List.of(new Call("process", Json.parse(FRANCINE))));
    turns(
        "What is the current temperature in Munich in celsius?",
        List.of(new Call("currentTemperature", "Munich", "CELSIUS")));
    turns(
        "Process the following: Klaus is 42 years old and Francine is 47 years old",
        List.of(new Call("process", Json.parse("{\"Klaus\":42,\"Francine\":47}"))));
    turns(
        "Process the following names: Klaus and Franny",
        List.of(new Call("processNames", Json.parse("[\"Klaus\",\"Franny\"]"))));
    turns(
        "Process the following colors: RED and GREEN",
        List.of(new Call("process", Json.parse("[\"RED\",\"GREEN\"]"))));
    turns(
        "Process the following integers: 37, 73",
        List.of(new Call("processNumbers", Json.parse("[37,73]"))));
    turns(
        "Process the following people: Klaus and Franny",
        List.of(new Call("process", Json.parse("[{\"name\":\"Klaus\"},{\"name\":\"Franny\"}]"))));
    turns(
        "What is the username with ID 62dbcc27-aaf3-449a-b12d-5a904271a57f?",
        List.of(new Call("getUsernameFromId", "62dbcc27-aaf3-449a-b12d-5a904271a57f")));
    turns("Call tool 'modify' for argument '7'", List.of(new Call("modify", 7)));
    turns(
        "How much is 37 plus 87? Use 'add' tool before answering.",
        List.of(new Call("add", 37, 87)));
    // AbstractStreamingAiServiceIT: the second prompt adds to the first one's result
    turns("Now add 47 to the previous result", List.of(new Call("add", PREVIOUS_RESULT, 47)));

    // AbstractAiServiceWithJsonSchemaIT
    String extract = "Extract the person's information from the following text";
    json("Person", extract + ": Klaus is 37 years old, 1.78m height and single", KLAUS);
    json(
        "Person",
        extract + ". Do not include missing fields! Text: 'Klaus'",
        "{\"name\":\"Klaus\"}");
    json(
        "Person",
        extract
            + ". Fill in all the fields where the information is available! Text: 'Klaus wants a"
            + " delivery to Langley Falls, but billing address should be New York'",
        "{\"name\":\"Klaus\",\"shippingAddress\":{\"city\":\"Langley Falls\"},"
            + "\"billingAddress\":{\"city\":\"New York\"}}");
    json(
        "Person",
        extract + ": Klaus is single",
        "{\"name\":\"Klaus\",\"maritalStatus\":\"SINGLE\"}");
    json(
        "Person",
        extract + ": Klaus likes orange and green",
        "{\"name\":\"Klaus\",\"favouriteColors\":[\"orange\",\"green\"]}");
    json(
        "Person",
        extract + ": Klaus has 2 pets: Peanut and Muffin",
        "{\"name\":\"Klaus\",\"pets\":[{\"name\":\"Peanut\"},{\"name\":\"Muffin\"}]}");
    json(
        "Person",
        extract + ": Klaus is assigned to groups A and C",
        "{\"name\":\"Klaus\",\"groups\":[\"A\",\"C\"]}");
    String date = "{\"year\":1976,\"month\":8,\"day\":12}";
    String time = "{\"hour\":14,\"minute\":43,\"second\":0,\"nano\":0}";
    json(
        "Person",
        extract
            + ".Fill in all the fields where the information is available! Text: 'Klaus was born"
            + " at 14:43 on 12th of August 1976'",
        "{\"name\":\"Klaus\",\"birthDate\":"
            + date
            + ",\"birthTime\":"
            + time
            + ",\"birthDateTime\":{\"date\":"
            + date
            + ",\"time\":"
            + time
            + "}}");
    json("Person", extract + ": Klaus", "{\"name\":\"Klaus\"}");
    json("Person", extract + ": Francine has 2 children: Steve and Hayley", FRANCINE);
    json(
        "Person",
        "Klaus can be identified by the following ID: 567b229a-6b0a-4f1e-9006-448cd9dfbfda\n",
        "{\"id\":\"567b229a-6b0a-4f1e-9006-448cd9dfbfda\",\"name\":\"Klaus\"}");
    String people =
        "Klaus is 37 years old, 1.78m height and single. Franny is 35 years old, 1.65m height and"
            + " married.";
    json(
        "boolean",
        "Extract if the person from the following text is a man: Klaus is a 37-year-old man, 1.78"
            + " meters tall, and single.",
        "{\"value\":true}");
    json(
        "integer",
        "Extract number of people mentioned in the following text: " + people,
        "{\"value\":2}");
    json(
        "number",
        "Extract temperature in Munich from the following text: The average temperature of the"
            + " coldest month is of -0.5 °C",
        "{\"value\":-0.5}");
    json("List_of_Person", people, "{\"values\":[" + KLAUS + "," + FRANNY + "]}");
    json("Set_of_Person", people, "{\"values\":[" + KLAUS + "," + FRANNY + "]}");
    json(
        "List_of_Person",
        extract + ": Klaus and Francine",
        "{\"values\":[{\"name\":\"Klaus\"},{\"name\":\"Francine\"}]}");
    json(
        "List_of_String",
        "Extract names of people from the following text: " + people,
        "{\"values\":[\"Klaus\",\"Franny\"]}");
    json(
        "Set_of_String",
        "Extract names of people from the following text: " + people,
        "{\"values\":[\"Klaus\",\"Franny\"]}");
    json(
        "MaritalStatus",
        "Klaus is 37 years old, 1.78m height and single.",
        "{\"value\":\"SINGLE\"}");
    json(
        "List_of_MaritalStatus",
        people + "Staniel is 33 years old, 1.70m height and married.",
        "{\"values\":[\"SINGLE\",\"MARRIED\",\"MARRIED\"]}");
    json(
        "Set_of_Weather",
        "The weather in Berlin was sunny and windy. Paris experienced rainy and cloudy weather. New"
            + " York had cloudy and windy weather.",
        "{\"values\":[\"SUNNY\",\"WINDY\",\"RAINY\",\"CLOUDY\"]}");
    json("Animal", "Rex is a Labrador dog", "{\"value\":" + REX + "}");
    json(
        "List_of_Animal",
        "Rex is a Labrador. Whiskers is an indoor cat.",
        "{\"values\":[" + REX + ",{\"type\":\"Cat\",\"name\":\"Whiskers\",\"indoor\":true}]}");
    json(
        "Owner",
        "Alice owns a Labrador dog named Rex.",
        "{\"name\":\"Alice\",\"pet\":" + REX + "}");
    json(
        "ArithmeticExpression",
        "Represent the literal expression 1+2+3 as a syntax tree. Do NOT simplify or evaluate. Use a"
            + " left-associative tree: Addition(Addition(Constant(1), Constant(2)), Constant(3))."
            + " An Addition has exactly two fields: 'left' and 'right'. A Constant has exactly one"
            + " field: 'value'. Do NOT add any other fields to any node.",
        "{\"value\":{\"type\":\"Addition\",\"left\":{\"type\":\"Addition\",\"left\":"
            + "{\"type\":\"Constant\",\"value\":1},\"right\":{\"type\":\"Constant\",\"value\":2}},"
            + "\"right\":{\"type\":\"Constant\",\"value\":3}}}");
  }

  private static final Pattern NUMBER = Pattern.compile("-?\\d+");

  @Override
  FakeResponse answer(JsonObject body, List<JsonObject> messages) {
    int lastUser = messages.size() - 1;
    while (lastUser >= 0 && !role(messages.get(lastUser)).equals("user")) {
      lastUser--;
    }
    if (lastUser < 0) {
      return null;
    }
    String user = text(messages.get(lastUser));
    if (body.get("response_format") instanceof JsonObject format
        && format.get("json_schema") instanceof JsonObject schema) {
      return jsonAnswer(schema, user);
    }
    Map<String, JsonObject> tools = tools(body);
    List<List<Call>> plan = TURNS.get(user);
    if (plan == null || tools.isEmpty()) {
      return user.contains("capital of Germany")
          ? FakeResponse.reply("The capital of Germany is Berlin.")
          : null;
    }
    int done = 0;
    for (int i = lastUser + 1; i < messages.size(); i++) {
      if (role(messages.get(i)).equals("assistant")) {
        done++;
      }
    }
    if (done >= plan.size()) {
      return null; // every turn ran: the fake's model quotes the results
    }
    List<ToolCall> calls = new ArrayList<>();
    for (Call c : plan.get(done)) {
      JsonObject tool = tools.get(c.tool());
      if (tool == null) {
        return null;
      }
      calls.add(
          ToolCall.function(null, c.tool(), arguments(tool, c, messages.subList(0, lastUser))));
    }
    return FakeResponse.toolCalls(calls.toArray(ToolCall[]::new));
  }

  /** A call's arguments, named after the tool's parameters in the order its schema lists them. */
  private static String arguments(JsonObject tool, Call c, List<JsonObject> earlier) {
    List<String> names = new ArrayList<>();
    if (tool.get("parameters") instanceof JsonObject p
        && p.get("properties") instanceof JsonObject props) {
      names.addAll(props.members().keySet());
    }
    if (names.size() != c.arguments().length) {
      return "{}"; // not the tool the suite declares: the tool will not take it
    }
    JsonObject.Builder args = JsonObject.builder();
    for (int i = 0; i < names.size(); i++) {
      Object a = c.arguments()[i] == PREVIOUS_RESULT ? previousResult(earlier) : c.arguments()[i];
      args.put(names.get(i), a instanceof JsonValue j ? j : Json.toJson(a));
    }
    return Json.write(args.build());
  }

  private static long previousResult(List<JsonObject> earlier) {
    for (int i = earlier.size() - 1; i >= 0; i--) {
      if (role(earlier.get(i)).equals("tool")) {
        Matcher m = NUMBER.matcher(text(earlier.get(i)));
        if (m.find()) {
          return Long.parseLong(m.group());
        }
      }
    }
    return 0;
  }

  /** The suite's JSON, when the schema has its name and every property the answer fills. */
  private static FakeResponse jsonAnswer(JsonObject format, String user) {
    String name = format.get("name") instanceof JsonString n ? n.value() : "";
    String answer = JSON.getOrDefault(name, Map.of()).get(user);
    if (answer == null || !(format.get("schema") instanceof JsonObject schema)) {
      return null;
    }
    JsonObject props = schema.get("properties") instanceof JsonObject p ? p : JsonObject.of();
    if (!props
        .members()
        .keySet()
        .containsAll(((JsonObject) Json.parse(answer)).members().keySet())) {
      return null;
    }
    return FakeResponse.reply(answer);
  }
}
