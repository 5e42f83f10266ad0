package io.github.kimisdk.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code null} means to {@link Json#toJson(Object)} and {@link Json#bind(JsonValue, Class)},
 * one row per kind of component: what is written, and that it binds back equal; then the values
 * that come back as something else, and the nulls that do not bind.
 */
class JsonBindNullTest {

  enum Color {
    RED
  }

  sealed interface Figure permits Dot {}

  record Dot(int x) implements Figure {}

  /** A recursive record: the tail of the chain has no next node. */
  record Node(int value, Node next) {}

  record Boxed(Integer i, Long l, Double d, Boolean b, BigInteger bi, BigDecimal bd) {}

  record Texts(String s, Color color, LocalDate date, Instant at) {}

  record Containers(
      List<String> list, Set<Integer> set, Map<String, Double> map, String[] names, int[] ints) {}

  record Elements(List<String> list, Set<Integer> set, Map<String, Double> map, Long[] boxed) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Elements e
          && e.list.equals(list)
          && e.set.equals(set)
          && e.map.equals(map)
          && Arrays.equals(e.boxed, boxed);
    }

    @Override
    public int hashCode() {
      return list.hashCode();
    }
  }

  record Sealed(Figure figure, List<Figure> figures) {}

  record Trees(JsonObject object, JsonArray array) {}

  record Marked(@JsonOptional String note, @JsonOptional Node next) {}

  record Optionals(Optional<String> text, OptionalInt count) {}

  record Raw(JsonValue any, List<JsonValue> values) {}

  record Numbers(int i, double[] values) {}

  private static Map<String, Double> mapWithNull() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("tea", 1.5);
    m.put("cake", null);
    return m;
  }

  static Stream<Arguments> nullsThatRoundTrip() {
    return Stream.of(
        Arguments.of(
            "recursiveRecordWhoseNestedComponentIsNull",
            new Node(1, new Node(2, null)),
            "{\"value\":1,\"next\":{\"value\":2,\"next\":null}}"),
        Arguments.of(
            "boxedNumbersAndBoolean",
            new Boxed(null, null, null, null, null, null),
            "{\"i\":null,\"l\":null,\"d\":null,\"b\":null,\"bi\":null,\"bd\":null}"),
        Arguments.of(
            "stringEnumAndTime",
            new Texts(null, null, null, null),
            "{\"s\":null,\"color\":null,\"date\":null,\"at\":null}"),
        Arguments.of(
            "nullCollectionsAreNullNotEmpty",
            new Containers(null, null, null, null, null),
            "{\"list\":null,\"set\":null,\"map\":null,\"names\":null,\"ints\":null}"),
        Arguments.of(
            "nullElementsAndMapValues",
            new Elements(
                new ArrayList<>(Arrays.asList("a", null)),
                new LinkedHashSet<>(Arrays.asList(null, 3)),
                mapWithNull(),
                new Long[] {null, 7L}),
            "{\"list\":[\"a\",null],\"set\":[null,3],\"map\":{\"tea\":1.5,\"cake\":null},"
                + "\"boxed\":[null,7]}"),
        Arguments.of(
            "sealedInterfaceAndItsElements",
            new Sealed(null, Arrays.asList(new Dot(1), null)),
            "{\"figure\":null,\"figures\":[{\"type\":\"Dot\",\"x\":1},null]}"),
        Arguments.of(
            "jsonObjectAndJsonArray", new Trees(null, null), "{\"object\":null,\"array\":null}"),
        Arguments.of("jsonOptionalComponentsAreLeftOut", new Marked(null, null), "{}"),
        Arguments.of(
            "emptyOptionalsAreLeftOut", new Optionals(Optional.empty(), OptionalInt.empty()), "{}"),
        Arguments.of(
            "jsonNullInAJsonValueIsTheTreesNull",
            new Raw(JsonNull.INSTANCE, List.of(JsonNull.INSTANCE)),
            "{\"any\":null,\"values\":[null]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullsThatRoundTrip")
  void aNullIsWrittenAsShownAndBindsBackEqual(String rule, Object value, String json) {
    JsonValue tree = Json.toJson(value);
    assertThat(Json.write(tree)).isEqualTo(json);
    assertThat(Json.bind(Json.parse(json), value.getClass())).isEqualTo(value);
  }

  static Stream<Arguments> nullsThatComeBackAsSomethingElse() {
    return Stream.of(
        Arguments.of(
            "aNullOptionalComesBackEmpty",
            new Optionals(null, null),
            "{}",
            new Optionals(Optional.empty(), OptionalInt.empty())),
        Arguments.of(
            "aJavaNullJsonValueComesBackAsJsonNull",
            new Raw(null, Arrays.asList(new JsonValue[] {null})),
            "{\"any\":null,\"values\":[null]}",
            new Raw(JsonNull.INSTANCE, List.of(JsonNull.INSTANCE))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullsThatComeBackAsSomethingElse")
  void aNullThatHasNoJavaNullBindsToItsEmptyValue(
      String rule, Object value, String json, Object back) {
    assertThat(Json.write(Json.toJson(value))).isEqualTo(json);
    assertThat(Json.bind(Json.parse(json), value.getClass())).isEqualTo(back);
  }

  static Stream<Arguments> nullsThatDoNotBind() {
    return Stream.of(
        Arguments.of(
            "aPrimitiveComponent",
            Numbers.class,
            "{\"i\":null,\"values\":[]}",
            "$.i (Numbers.i): expected a number but was null"),
        Arguments.of(
            "anElementOfAPrimitiveArray",
            Numbers.class,
            "{\"i\":1,\"values\":[1,null]}",
            "$.values[1] (Numbers.values): expected a number but was null"),
        Arguments.of(
            "aMissingMemberIsNotANullOne",
            Node.class,
            "{\"value\":1}",
            "$.next (Node.next): required member is missing"),
        Arguments.of("aNullRoot", Node.class, "null", "$: expected an object but was null"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullsThatDoNotBind")
  void aNullWhereJavaCannotHoldOneIsRefused(
      String rule, Class<?> type, String json, String message) {
    assertThatThrownBy(() -> Json.bind(Json.parse(json), type))
        .isInstanceOf(JsonException.class)
        .hasMessage(message);
  }
}
