package io.github.kimisdk.base.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One member after {@code a=1}, and what the text shows of it. */
class RecordTextTest {

  static Stream<Arguments> members() {
    return Stream.of(
        Arguments.of("null", null, "T[a=1]"),
        Arguments.of("empty string", "", "T[a=1]"),
        Arguments.of("empty StringBuilder", new StringBuilder(), "T[a=1]"),
        Arguments.of("empty list", List.of(), "T[a=1]"),
        Arguments.of("empty mutable list", new ArrayList<>(), "T[a=1]"),
        Arguments.of("empty map", Map.of(), "T[a=1]"),
        Arguments.of("empty JSON object", JsonObject.of(), "T[a=1]"),
        Arguments.of("empty JSON array", JsonArray.of(), "T[a=1]"),
        Arguments.of("empty Optional", Optional.empty(), "T[a=1]"),
        Arguments.of("blank string", " ", "T[a=1, b= ]"),
        Arguments.of("string", "x", "T[a=1, b=x]"),
        Arguments.of("zero", 0, "T[a=1, b=0]"),
        Arguments.of("false Boolean", false, "T[a=1, b=false]"),
        Arguments.of("list", List.of(1, 2), "T[a=1, b=[1, 2]]"),
        Arguments.of("list of a null", Arrays.asList((Object) null), "T[a=1, b=[null]]"),
        Arguments.of("map", Map.of("k", 1), "T[a=1, b={k=1}]"),
        Arguments.of("JSON object", Json.parse("{\"k\":1}"), "T[a=1, b={\"k\":1}]"),
        Arguments.of("JSON array", Json.parse("[1]"), "T[a=1, b=[1]]"),
        Arguments.of("present Optional", Optional.of("x"), "T[a=1, b=x]"),
        Arguments.of("Optional of empty", Optional.of(""), "T[a=1]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("members")
  void leavesOutAbsentAndEmptyMembersOnly(String what, Object value, String expected) {
    assertThat(RecordText.of("T").add("a", 1).add("b", value).toString()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("members")
  void writesTheFirstMemberWithoutASeparator(String what, Object value, String expected) {
    assertThat(RecordText.of("T").add("b", value).toString())
        .isEqualTo(expected.replace("a=1, ", "").replace("a=1", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flags")
  void showsAFlagOnlyWhenItIsOn(boolean on, String expected) {
    assertThat(RecordText.of("T").flag("f", on).add("n", 0L).toString()).isEqualTo(expected);
  }

  static Stream<Arguments> flags() {
    return Stream.of(Arguments.of(true, "T[f=true, n=0]"), Arguments.of(false, "T[n=0]"));
  }

  @Test
  void writesATypeWithNoMembersAsEmptyBrackets() {
    assertThat(RecordText.of("Delta").add("role", null).flag("partial", false).toString())
        .isEqualTo("Delta[]");
  }
}
