package io.github.kimisdk.tool;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Moonshot's own verdicts: walle's validator cases (test resources {@code walle/}, see SOURCE.md
 * there), for the tests of the SDK's MFJS check and of the fake's.
 */
public final class WalleCases {

  /** The suites, as walle's validator_test.go lists them. */
  public static final List<String> SUITES =
      List.of(
          "TestBasicTypes",
          "TestSingleTypeInArray",
          "TestAdditionalProperties",
          "TestRequired",
          "TestKeywordsValidation",
          "TestReferences",
          "TestAnyOf",
          "TestDefs",
          "TestNumberFormat",
          "TestRefInProperties",
          "TestTypeLocation",
          "TestNestedDefsDepth",
          "TestRangeConstraints",
          "TestID",
          "TestDescription",
          "TestEnforcerCases");

  /**
   * The refusals that only walle's lowered test limit (5 levels) causes: with the limit Kimi
   * reports (10), Kimi takes them.
   */
  public static final Set<String> DEEPER_THAN_FIVE_ONLY =
      Set.of(
          "TestNestedDefsDepth/invalid#3",
          "TestNestedDefsDepth/invalid#4",
          "TestNestedDefsDepth/invalid#5");

  private WalleCases() {}

  /**
   * One case.
   *
   * @param name suite, valid or invalid, and the line's number from 1
   * @param schema the schema as JSON text (which may not parse)
   * @param valid whether walle accepts it
   * @param expect a piece of walle's error message; null for a valid case
   * @param unmarshal whether walle cannot parse the text as a JSON object at all
   */
  public record Case(String name, String schema, boolean valid, String expect, boolean unmarshal) {
    /**
     * Returns the schema as Kimi reads it, or null where the text is not JSON: then walle cannot
     * read it either, which this asserts.
     *
     * @return the schema, or null
     */
    public JsonValue read() {
      try {
        return Json.parse(schema);
      } catch (JsonException e) {
        assertThat(unmarshal).as("%s is not JSON, yet walle reads it", name).isTrue();
        return null;
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Tells whether {@code schema} is an object of {@code "type": "object"}, the root Kimi asks of a
   * tool's parameters.
   *
   * @param schema a schema
   * @return whether its root is an object schema
   */
  public static boolean objectRoot(JsonValue schema) {
    return schema instanceof JsonObject o && JsonString.of("object").equals(o.get("type"));
  }

  /** Returns every case, suite by suite, the valid ones of a suite first. */
  public static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    for (String suite : SUITES) {
      int i = 0;
      for (String line : lines(suite + "/valid.jsonl")) {
        out.add(new Case(suite + "/valid#" + ++i, line, true, null, false));
      }
      i = 0;
      for (String line : lines(suite + "/invalid.jsonl")) {
        JsonObject row = Json.parse(line).asObject();
        out.add(
            new Case(
                suite + "/invalid#" + ++i,
                ((JsonString) row.get("schema")).value(),
                false,
                ((JsonString) row.get("expect")).value(),
                row.get("unmarshal").equals(JsonBoolean.TRUE)));
      }
    }
    return out;
  }

  private static List<String> lines(String file) {
    try (InputStream in = WalleCases.class.getResourceAsStream("/walle/validator_cases/" + file)) {
      if (in == null) {
        throw new IllegalStateException("no test resource walle/validator_cases/" + file);
      }
      List<String> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          out.add(line.strip());
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
