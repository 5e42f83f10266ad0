package io.github.kimisdk.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.WalleCases.Case;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Moonshot's own verdicts: every schema of walle's validator cases (test resources {@code walle/},
 * see SOURCE.md there) through the SDK's MFJS check, which must accept what walle accepts and
 * refuse what it refuses, naming a real place in the schema, the same kind of problem as walle's
 * expected message (which the part of the message before the fix contains, the part FakeKimiServer
 * answers with), and what to do.
 */
class WalleCasesTest {

  private static final Set<String> DEEPER_THAN_FIVE_ONLY = WalleCases.DEEPER_THAN_FIVE_ONLY;

  /** The validator's messages: the place, what Kimi says there (up to the first "; "), the fix. */
  private static final Pattern MESSAGE = Pattern.compile("(?s)schema at (\\$[^:]*): (.+?); (.+)");

  static List<Case> cases() {
    return WalleCases.cases();
  }

  static Stream<Arguments> all() {
    return cases().stream().map(c -> Arguments.of(c));
  }

  @Test
  void theResourcesHoldWallesThreeHundredNinetyFiveCases() {
    List<Case> cases = cases();
    assertThat(cases).hasSize(395);
    assertThat(cases.stream().filter(Case::valid)).hasSize(213);
    assertThat(cases.stream().filter(c -> !c.valid())).hasSize(182);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void agreesWithWalle(Case c) {
    Throwable thrown =
        catchThrowable(
            () ->
                MfjsValidator.check(
                    Json.parse(c.schema()), MfjsValidator.Limits.WALLE_TESTS, "schema"));
    if (c.valid()) {
      assertThat(thrown).as("walle accepts %s", c.schema()).isNull();
      return;
    }
    assertThat(thrown).as("walle refuses %s with \"%s\"", c.schema(), c.expect()).isNotNull();
    if (thrown instanceof JsonException) {
      assertThat(c.unmarshal()).as("only walle's parse errors fail to parse here").isTrue();
      return;
    }
    assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    String message = thrown.getMessage();
    Matcher m = MESSAGE.matcher(message);
    assertThat(m.matches()).as("path: problem; fix in %s", message).isTrue();
    assertThat(resolves(Json.parse(c.schema()), m.group(1)))
        .as("%s names a place in the schema", m.group(1))
        .isTrue();
    if (c.unmarshal()) {
      // walle cannot parse these into a schema object; here they parse, and are refused whole
      assertThat(m.group(2)).contains("JSON schema parsing error");
    } else {
      assertThat(m.group(2).toLowerCase(Locale.ROOT))
          .as("the same kind of problem as walle says, in its words, before the fix")
          .contains(c.expect().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * The public checks use Kimi's limits: {@link JsonSchema#validateMfjs} agrees with walle on every
   * case but the three too deep only for walle's test limit; {@link JsonSchema#validate}, for tool
   * parameters, also refuses a root that is not {@code "type": "object"}, and otherwise agrees.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void thePublicChecksAgreeWithKimisLimits(Case c) {
    JsonValue schema = c.read();
    if (schema == null) {
      return;
    }
    boolean accepted = c.valid() || DEEPER_THAN_FIVE_ONLY.contains(c.name());
    if (accepted) {
      assertThatCode(() -> JsonSchema.validateMfjs(schema)).doesNotThrowAnyException();
    } else {
      assertThat(catchThrowable(() -> JsonSchema.validateMfjs(schema)))
          .isInstanceOf(IllegalArgumentException.class);
    }
    boolean objectRoot = WalleCases.objectRoot(schema);
    Throwable tool = catchThrowable(() -> JsonSchema.validate(schema));
    if (accepted && objectRoot) {
      assertThat(tool).isNull();
    } else {
      assertThat(tool).isInstanceOf(IllegalArgumentException.class);
      assertThat(tool.getMessage()).startsWith("tool schema at $");
      if (!objectRoot && schema instanceof JsonObject) {
        assertThat(tool.getMessage()).contains("the root must have \"type\": \"object\"");
      }
    }
  }

  @Test
  void theDeeperThanFiveCasesAreRefusedOnlyForDepth() {
    for (Case c : cases()) {
      if (DEEPER_THAN_FIVE_ONLY.contains(c.name())) {
        assertThat(c.expect()).isEqualTo("schema depth exceeds maximum limit");
      }
    }
  }

  /** Whether a path such as {@code $.properties.a.b.anyOf[1]} leads somewhere in the document. */
  private static boolean resolves(JsonValue at, String path) {
    if (path.isEmpty() || path.equals("$")) {
      return true;
    }
    if (!path.startsWith("$")) {
      return false;
    }
    return resolvesRest(at, path.substring(1));
  }

  private static boolean resolvesRest(JsonValue at, String rest) {
    if (rest.isEmpty()) {
      return true;
    }
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      int i = Integer.parseInt(rest.substring(1, close));
      return at instanceof JsonArray a
          && i < a.size()
          && resolvesRest(a.get(i), rest.substring(close + 1));
    }
    if (!rest.startsWith(".") || !(at instanceof JsonObject o)) {
      return false;
    }
    // names may hold dots: try every member whose name the path continues with
    for (String name : o.names()) {
      String after = rest.substring(1);
      if (after.startsWith(name)) {
        String tail = after.substring(name.length());
        if ((tail.isEmpty() || tail.startsWith(".") || tail.startsWith("["))
            && resolvesRest(o.get(name), tail)) {
          return true;
        }
      }
    }
    return false;
  }
}
