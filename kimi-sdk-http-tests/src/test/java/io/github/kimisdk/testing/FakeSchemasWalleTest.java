package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.WalleCases;
import io.github.kimisdk.tool.WalleCases.Case;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fake's verdict on tool parameters ({@link FakeSchemas}) against Moonshot's own, walle's 395
 * validator cases (the core's test resources {@code walle/}, see SOURCE.md there): with an object
 * root, it takes what walle takes and refuses what walle refuses, in walle's words at walle's path,
 * except the cases walle refuses only for a keyword outside MFJS that Kimi takes (walle refuses
 * those at its strictest level, which Kimi's server does not run) and the three too deep only for
 * walle's test limit; and no answer names this SDK.
 */
class FakeSchemasWalleTest {

  /**
   * The cases walle refuses for {@code patternProperties} alone, a keyword outside MFJS that K3,
   * K2.7 Code and K2.6 took live (anomalyco/opencode PR #37625).
   */
  static final Set<String> OUTSIDE_MFJS_ONLY =
      Set.of(
          "TestEnforcerCases/invalid#2",
          "TestEnforcerCases/invalid#3",
          "TestEnforcerCases/invalid#5",
          "TestEnforcerCases/invalid#6");

  /**
   * Refused in other words than walle's tests expect: the first names a keyword outside MFJS, which
   * the fake takes, and then refuses for the next rule, as walle does below its strictest level;
   * the second is too deep only for walle's test limit (5), and at Kimi's (10) its reference that
   * resolves to nothing is named.
   */
  static final Set<String> OTHER_WORDS =
      Set.of("TestNestedDefsDepth/invalid#1", "TestNestedDefsDepth/invalid#2");

  /** Words of this SDK's API that Kimi never says. */
  static final Pattern SDK = Pattern.compile("JsonSchema|normalize|Tool\\.|\\(\\)|MFJS takes only");

  static Stream<Case> all() {
    return WalleCases.cases().stream();
  }

  @Test
  void theCasesAreWallesThreeHundredNinetyFive() {
    assertThat(WalleCases.cases()).hasSize(395);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void judgesAsWalleDoesInItsWords(Case c) {
    JsonValue schema = c.read();
    if (schema == null) {
      return; // Kimi cannot read the request either
    }
    boolean objectRoot = WalleCases.objectRoot(schema);
    String answer = FakeSchemas.refusal(schema);
    if (!objectRoot) {
      assertThat(answer)
          .as("Kimi's own check of the root")
          .isEqualTo(
              "Invalid request: tools.function.parameters.type is required and must be"
                  + " \"object\"");
      return;
    }
    boolean taken =
        c.valid()
            || WalleCases.DEEPER_THAN_FIVE_ONLY.contains(c.name())
            || OUTSIDE_MFJS_ONLY.contains(c.name());
    if (taken) {
      assertThat(answer).as("%s takes %s", c.name(), c.schema()).isNull();
      return;
    }
    assertThat(answer).as("%s refuses %s (%s)", c.name(), c.schema(), c.expect()).isNotNull();
    assertThat(answer)
        .contains(
            "Invalid request: tools.function.parameters is not a valid moonshot flavored json"
                + " schema, details: <At path '")
        .doesNotContainPattern(SDK);
    String details = answer.substring(answer.indexOf("details: <"));
    if (c.unmarshal()) {
      assertThat(details).contains("JSON schema parsing error");
    } else if (!OTHER_WORDS.contains(c.name())) {
      assertThat(details.toLowerCase(Locale.ROOT))
          .as("walle's words")
          .contains(c.expect().toLowerCase(Locale.ROOT));
    }
  }

  @Test
  void theCasesTakenAreThoseWalleRefusesForPatternPropertiesAlone() {
    assertThat(WalleCases.cases())
        .filteredOn(c -> "patternProperties".equals(c.expect()))
        .extracting(Case::name)
        .containsExactlyInAnyOrderElementsOf(OUTSIDE_MFJS_ONLY);
  }
}
