package io.github.kimisdk.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Json#bind(JsonValue, Class)} and {@link Json#toJson(Object)}: one case per rule. */
class JsonBindTest {

  record Weather(String city, double temperature, List<String> warnings) {}

  record Forecast(String city, List<Day> days) {}

  record Day(LocalDate date, double temperature, Sky sky) {}

  enum Sky {
    CLEAR,
    CLOUDY
  }

  record Query(String city, @JsonOptional Integer days, Optional<Sky> sky) {}

  record Numbers(byte b, short s, int i, long l, float f, double d, BigInteger bi, BigDecimal bd) {}

  record Range(int from, int to) {
    Range {
      if (from > to) {
        throw new IllegalArgumentException("from must not be after to");
      }
    }
  }

  sealed interface Figure permits Circle, Square {}

  record Circle(double radius) implements Figure {}

  record Square(double side) implements Figure {}

  record Drawing(List<Figure> figures) {}

  record Arrays(int[] ints, String[] names, boolean[] flags, double[] values) {}

  record Raw(JsonValue any, JsonObject object, JsonArray array) {}

  record Optionals(OptionalInt i, OptionalLong l, OptionalDouble d) {}

  record Prices(Map<String, Double> prices) {}

  record Tags(Set<String> tags) {}

  record Times(Instant at, ZonedDateTime zoned, LocalTime time, Duration lasting) {}

  @Test
  void bindsARecordFromATree() {
    Weather w =
        Json.bind(
            Json.parse("{\"city\":\"Paris\",\"temperature\":21.5,\"warnings\":[\"wind\"]}"),
            Weather.class);
    assertThat(w).isEqualTo(new Weather("Paris", 21.5, List.of("wind")));
  }

  @Test
  void writesARecordAsAnObjectInComponentOrder() {
    assertThat(Json.write(Json.toJson(new Weather("Paris", 21.5, List.of()))))
        .isEqualTo("{\"city\":\"Paris\",\"temperature\":21.5,\"warnings\":[]}");
  }

  @Test
  void ignoresMembersTheRecordDoesNotDeclare() {
    assertThat(
            Json.bind(
                Json.parse(
                    "{\"extra\":{\"a\":[1]},\"city\":\"Oslo\",\"temperature\":-3,\"warnings\":[]}"),
                Weather.class))
        .isEqualTo(new Weather("Oslo", -3, List.of()));
  }

  @Test
  void bindsEveryNumberTypeExactly() {
    Numbers n =
        Json.bind(
            Json.parse(
                "{\"b\":-128,\"s\":32767,\"i\":1e3,\"l\":9223372036854775807,\"f\":0.1,"
                    + "\"d\":-0.0,\"bi\":123456789012345678901234567890,\"bd\":1.50}"),
            Numbers.class);
    assertThat(n)
        .isEqualTo(
            new Numbers(
                (byte) -128,
                (short) 32767,
                1000,
                Long.MAX_VALUE,
                0.1f,
                -0.0,
                new BigInteger("123456789012345678901234567890"),
                new BigDecimal("1.50")));
    assertThat(Json.write(Json.toJson(n)))
        .isEqualTo(
            "{\"b\":-128,\"s\":32767,\"i\":1000,\"l\":9223372036854775807,\"f\":0.1,"
                + "\"d\":-0.0,\"bi\":123456789012345678901234567890,\"bd\":1.50}");
  }

  static Stream<Arguments> mismatches() {
    String numbers = "{\"b\":1,\"s\":1,\"i\":1,\"l\":1,\"f\":1,\"d\":1,\"bi\":1,\"bd\":1,";
    return Stream.of(
        Arguments.of(
            Weather.class,
            "{\"city\":\"Paris\",\"temperature\":\"warm\",\"warnings\":[]}",
            "$.temperature",
            "$.temperature (Weather.temperature): expected a number but was a string"),
        Arguments.of(
            Weather.class,
            "{\"temperature\":1,\"warnings\":[]}",
            "$.city",
            "$.city (Weather.city): required member is missing"),
        Arguments.of(
            Weather.class,
            "{\"city\":\"a\",\"temperature\":null,\"warnings\":[]}",
            "$.temperature",
            "$.temperature (Weather.temperature): expected a number but was null"),
        Arguments.of(
            Weather.class,
            "{\"city\":\"a\",\"temperature\":1,\"warnings\":[\"x\",2]}",
            "$.warnings[1]",
            "$.warnings[1] (Weather.warnings): expected a string but was a number"),
        Arguments.of(Weather.class, "[]", "$", "$: expected an object but was an array"),
        Arguments.of(
            Forecast.class,
            "{\"city\":\"a\",\"days\":[{\"date\":\"2026-03-25\",\"temperature\":1,"
                + "\"sky\":\"CLEAR\"},{\"date\":\"2026-03-26\",\"temperature\":true,"
                + "\"sky\":\"CLEAR\"}]}",
            "$.days[1].temperature",
            "$.days[1].temperature (Day.temperature): expected a number but was a boolean"),
        Arguments.of(
            Forecast.class,
            "{\"city\":\"a\",\"days\":[{\"date\":\"25 March\",\"temperature\":1,"
                + "\"sky\":\"CLEAR\"}]}",
            "$.days[0].date",
            "$.days[0].date (Day.date): expected a string holding an ISO 8601 date, such as"
                + " 2026-03-25; this one does not parse"),
        Arguments.of(
            Forecast.class,
            "{\"city\":\"a\",\"days\":[{\"date\":\"2026-03-25\",\"temperature\":1,"
                + "\"sky\":\"RAINY\"}]}",
            "$.days[0].sky",
            "$.days[0].sky (Day.sky): expected one of [CLEAR, CLOUDY] but was another string"),
        Arguments.of(
            Numbers.class,
            numbers.replace("\"b\":1", "\"b\":128") + "\"x\":0}",
            "$.b",
            "$.b (Numbers.b): expected a whole number from -128 to 127 but was 128"),
        Arguments.of(
            Numbers.class,
            numbers.replace("\"s\":1", "\"s\":-32769") + "\"x\":0}",
            "$.s",
            "expected a whole number from -32768 to 32767 but was -32769"),
        Arguments.of(
            Numbers.class,
            numbers.replace("\"i\":1", "\"i\":2147483648") + "\"x\":0}",
            "$.i",
            "expected a whole number that fits a Java int but was 2147483648"),
        Arguments.of(
            Numbers.class,
            numbers.replace("\"i\":1", "\"i\":1.5") + "\"x\":0}",
            "$.i",
            "expected a whole number that fits a Java int but was another number"),
        Arguments.of(
            Numbers.class,
            numbers.replace("\"l\":1", "\"l\":9223372036854775808") + "\"x\":0}",
            "$.l",
            "expected a whole number that fits a Java long but was another number"),
        Arguments.of(
            Numbers.class,
            numbers.replace("\"f\":1", "\"f\":1e39") + "\"x\":0}",
            "$.f",
            "expected a number in the range of a Java float"),
        Arguments.of(
            Numbers.class,
            numbers.replace("\"d\":1", "\"d\":1e309") + "\"x\":0}",
            "$.d",
            "expected a number in the range of a Java double"),
        Arguments.of(
            Numbers.class,
            numbers.replace("\"bi\":1", "\"bi\":1.5") + "\"x\":0}",
            "$.bi",
            "expected a whole number"),
        Arguments.of(
            Range.class,
            "{\"from\":5,\"to\":1}",
            "$",
            "$: the constructor of Range rejected the values: IllegalArgumentException: from"
                + " must not be after to"),
        Arguments.of(
            Drawing.class,
            "{\"figures\":[{\"type\":\"Circle\",\"radius\":1},{\"side\":2}]}",
            "$.figures[1]",
            "$.figures[1] (Drawing.figures): the member \"type\" is missing; it names the kind"
                + " of Figure, one of [Circle, Square]"),
        Arguments.of(
            Drawing.class,
            "{\"figures\":[{\"type\":\"Hexagon\"}]}",
            "$.figures[0].type",
            "$.figures[0].type (Figure): expected one of [Circle, Square] but was another"
                + " string"),
        Arguments.of(
            Drawing.class,
            "{\"figures\":[{\"type\":7}]}",
            "$.figures[0].type",
            "expected one of [Circle, Square] but was a number"),
        Arguments.of(
            Drawing.class,
            "{\"figures\":[{\"type\":\"Square\",\"side\":\"big\"}]}",
            "$.figures[0].side",
            "$.figures[0].side (Square.side): expected a number but was a string"),
        Arguments.of(
            Arrays.class,
            "{\"ints\":[1,null],\"names\":[],\"flags\":[],\"values\":[]}",
            "$.ints[1]",
            "$.ints[1] (Arrays.ints): expected a number but was null"),
        Arguments.of(
            Arrays.class,
            "{\"ints\":[1,\"2\"],\"names\":[],\"flags\":[],\"values\":[]}",
            "$.ints[1]",
            "expected a number but was a string"),
        Arguments.of(
            Raw.class,
            "{\"any\":1,\"object\":[],\"array\":[]}",
            "$.object",
            "expected an object but was an array"),
        Arguments.of(
            Raw.class,
            "{\"any\":1,\"object\":{},\"array\":{}}",
            "$.array",
            "expected an array but was an object"),
        Arguments.of(
            Times.class,
            "{\"at\":\"2026-03-25T10:15:30Z\",\"zoned\":\"2026-03-25T10:15:30+01:00[Europe/Paris]\","
                + "\"time\":\"10:15\",\"lasting\":\"90 minutes\"}",
            "$.lasting",
            "expected a string holding an ISO 8601 duration, such as PT1H30M"));
  }

  @ParameterizedTest
  @MethodSource("mismatches")
  void aMismatchNamesThePathAndTheComponent(
      Class<?> type, String json, String path, String message) {
    assertThatThrownBy(() -> Json.bind(Json.parse(json), type))
        .isInstanceOfSatisfying(JsonException.class, e -> assertThat(e.path()).isEqualTo(path))
        .hasMessageContaining(message);
  }

  @Test
  void aMismatchNeverQuotesTheValue() {
    assertThatThrownBy(
            () ->
                Json.bind(
                    Json.parse("{\"city\":\"a\",\"days\":[{\"date\":\"sk-secret\"}]}"),
                    Forecast.class))
        .hasMessageNotContaining("sk-secret");
    assertThatThrownBy(
            () -> Json.bind(Json.parse("{\"figures\":[{\"type\":\"sk-secret\"}]}"), Drawing.class))
        .hasMessageNotContaining("sk-secret");
  }

  @Test
  void aRejectingConstructorIsTheCause() {
    assertThatThrownBy(() -> Json.bind(Json.parse("{\"from\":5,\"to\":1}"), Range.class))
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionalComponentsBindToNullOrEmptyWhenAbsentOrNull() {
    assertThat(Json.bind(Json.parse("{\"city\":\"Paris\"}"), Query.class))
        .isEqualTo(new Query("Paris", null, Optional.empty()));
    assertThat(
            Json.bind(Json.parse("{\"city\":\"Paris\",\"days\":null,\"sky\":null}"), Query.class))
        .isEqualTo(new Query("Paris", null, Optional.empty()));
    assertThat(
            Json.bind(Json.parse("{\"city\":\"Paris\",\"days\":3,\"sky\":\"CLEAR\"}"), Query.class))
        .isEqualTo(new Query("Paris", 3, Optional.of(Sky.CLEAR)));
    assertThat(Json.bind(Json.parse("{}"), Optionals.class))
        .isEqualTo(
            new Optionals(OptionalInt.empty(), OptionalLong.empty(), OptionalDouble.empty()));
    assertThat(Json.bind(Json.parse("{\"i\":1,\"l\":2,\"d\":3.5}"), Optionals.class))
        .isEqualTo(new Optionals(OptionalInt.of(1), OptionalLong.of(2), OptionalDouble.of(3.5)));
  }

  @Test
  void emptyOptionalsAndNullOptionalComponentsAreLeftOut() {
    assertThat(Json.write(Json.toJson(new Query("Paris", null, Optional.empty()))))
        .isEqualTo("{\"city\":\"Paris\"}");
    assertThat(Json.write(Json.toJson(new Query("Paris", 2, Optional.of(Sky.CLOUDY)))))
        .isEqualTo("{\"city\":\"Paris\",\"days\":2,\"sky\":\"CLOUDY\"}");
    assertThat(
            Json.write(
                Json.toJson(
                    new Optionals(OptionalInt.of(1), OptionalLong.empty(), OptionalDouble.of(2)))))
        .isEqualTo("{\"i\":1,\"d\":2.0}");
  }

  @Test
  void aNullRequiredComponentIsWrittenAsNull() {
    assertThat(Json.write(Json.toJson(new Weather(null, 1, List.of()))))
        .isEqualTo("{\"city\":null,\"temperature\":1.0,\"warnings\":[]}");
  }

  @Test
  void sealedRecordsCarryTheirDiscriminator() {
    Drawing d = new Drawing(List.of(new Circle(1), new Square(2)));
    String json = Json.write(Json.toJson(d));
    assertThat(json)
        .isEqualTo(
            "{\"figures\":[{\"type\":\"Circle\",\"radius\":1.0},"
                + "{\"type\":\"Square\",\"side\":2.0}]}");
    assertThat(Json.bind(Json.parse(json), Drawing.class)).isEqualTo(d);
    assertThat(Json.write(Json.toJson(new Circle(3))))
        .isEqualTo("{\"type\":\"Circle\",\"radius\":3.0}");
    assertThat(Json.bind(Json.parse("{\"type\":\"Square\",\"side\":4}"), Figure.class))
        .isEqualTo(new Square(4));
  }

  @Test
  void collectionsAreUnmodifiableAndKeepTheJsonOrder() {
    Prices p = Json.bind(Json.parse("{\"prices\":{\"tea\":1.5,\"cake\":3}}"), Prices.class);
    assertThat(p.prices()).containsExactly(Map.entry("tea", 1.5), Map.entry("cake", 3.0));
    assertThatThrownBy(() -> p.prices().put("x", 1.0))
        .isInstanceOf(UnsupportedOperationException.class);
    Tags t = Json.bind(Json.parse("{\"tags\":[\"b\",\"a\",\"b\"]}"), Tags.class);
    assertThat(t.tags()).containsExactly("b", "a");
    assertThatThrownBy(() -> t.tags().add("c")).isInstanceOf(UnsupportedOperationException.class);
    Weather w =
        Json.bind(
            Json.parse("{\"city\":\"a\",\"temperature\":1,\"warnings\":[\"x\"]}"), Weather.class);
    assertThatThrownBy(() -> w.warnings().add("y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void arraysOfPrimitivesAndOfObjectsBindAndWrite() {
    Arrays a =
        Json.bind(
            Json.parse("{\"ints\":[1,2],\"names\":[\"x\"],\"flags\":[true],\"values\":[0.5,-1]}"),
            Arrays.class);
    assertThat(a.ints()).containsExactly(1, 2);
    assertThat(a.names()).containsExactly("x");
    assertThat(a.flags()).containsExactly(true);
    assertThat(a.values()).containsExactly(0.5, -1.0);
    assertThat(Json.write(Json.toJson(a)))
        .isEqualTo("{\"ints\":[1,2],\"names\":[\"x\"],\"flags\":[true],\"values\":[0.5,-1.0]}");
  }

  record Primitives(
      byte[] bytes, short[] shorts, long[] longs, float[] floats, Long[] boxed, Sky[] skies) {}

  @Test
  void everyPrimitiveArrayRoundTrips() {
    String json =
        "{\"bytes\":[-128,127],\"shorts\":[300],\"longs\":[9007199254740993],"
            + "\"floats\":[0.1,-0.0],\"boxed\":[1,2],\"skies\":[\"CLOUDY\"]}";
    Primitives p = Json.bind(Json.parse(json), Primitives.class);
    assertThat(p.bytes()).containsExactly((byte) -128, (byte) 127);
    assertThat(p.shorts()).containsExactly((short) 300);
    assertThat(p.longs()).containsExactly(9007199254740993L);
    assertThat(p.floats()).containsExactly(0.1f, -0.0f);
    assertThat(p.boxed()).containsExactly(1L, 2L);
    assertThat(p.skies()).containsExactly(Sky.CLOUDY);
    assertThat(Json.write(Json.toJson(p))).isEqualTo(json);
    assertThat(Json.write(Json.toJson(new Object[] {new short[] {1}, new byte[] {2}})))
        .isEqualTo("[[1],[2]]");
    assertThatThrownBy(() -> Json.bind(Json.parse(json.replace("300", "70000")), Primitives.class))
        .hasMessageContaining("$.shorts[0] (Primitives.shorts)");
  }

  @Test
  void jsonValueComponentsTakeTheValueAsItIs() {
    Raw r =
        Json.bind(Json.parse("{\"any\":null,\"object\":{\"a\":1},\"array\":[true]}"), Raw.class);
    assertThat(r.any()).isSameAs(JsonNull.INSTANCE);
    assertThat(r.object()).isEqualTo(Json.parse("{\"a\":1}"));
    assertThat(Json.toJson(r))
        .isEqualTo(Json.parse("{\"any\":null,\"object\":{\"a\":1},\"array\":[true]}"));
  }

  @Test
  void timeTypesUseIso8601() {
    Times t =
        new Times(
            Instant.parse("2026-03-25T10:15:30Z"),
            ZonedDateTime.parse("2026-03-25T10:15:30+01:00[Europe/Paris]"),
            LocalTime.of(10, 15),
            Duration.ofMinutes(90));
    String json = Json.write(Json.toJson(t));
    assertThat(json)
        .isEqualTo(
            "{\"at\":\"2026-03-25T10:15:30Z\","
                + "\"zoned\":\"2026-03-25T10:15:30+01:00[Europe/Paris]\","
                + "\"time\":\"10:15\",\"lasting\":\"PT1H30M\"}");
    assertThat(Json.bind(Json.parse(json), Times.class)).isEqualTo(t);
  }

  @Test
  void topLevelValuesOfOtherTypesBindToo() {
    assertThat(Json.bind(Json.parse("\"CLOUDY\""), Sky.class)).isEqualTo(Sky.CLOUDY);
    assertThat(Json.bind(Json.parse("42"), int.class)).isEqualTo(42);
    assertThat(Json.bind(Json.parse("\"x\""), String.class)).isEqualTo("x");
    assertThat(Json.bind(Json.parse("[1,2]"), long[].class)).containsExactly(1L, 2L);
    assertThat(Json.bind(Json.parse("true"), JsonValue.class)).isEqualTo(JsonBoolean.TRUE);
  }

  @Test
  void toJsonWritesAnyValueByItsRuntimeClass() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("weather", new Weather("a", 1, List.of()));
    m.put("list", new ArrayList<>(List.of(1, "two", Sky.CLEAR)));
    m.put("array", new int[] {3});
    m.put("strings", new String[] {"s"});
    m.put("optional", Optional.of(2.5f));
    m.put("empty", OptionalLong.empty());
    m.put("nothing", null);
    m.put("json", JsonBoolean.FALSE);
    m.put("big", new BigDecimal("1e400"));
    m.put("short", (short) 3);
    m.put("date", LocalDate.of(2026, 3, 25));
    assertThat(Json.write(Json.toJson(m)))
        .isEqualTo(
            "{\"weather\":{\"city\":\"a\",\"temperature\":1.0,\"warnings\":[]},"
                + "\"list\":[1,\"two\",\"CLEAR\"],\"array\":[3],\"strings\":[\"s\"],"
                + "\"optional\":2.5,\"empty\":null,\"nothing\":null,\"json\":false,"
                + "\"big\":1E+400,\"short\":3,\"date\":\"2026-03-25\"}");
    assertThat(Json.toJson(null)).isSameAs(JsonNull.INSTANCE);
    assertThat(Json.toJson(BigInteger.TEN)).isEqualTo(JsonNumber.of(10));
    assertThat(Json.toJson(0.1f)).isEqualTo(Json.parse("0.1"));
  }

  @Test
  void toJsonNamesThePathOfAValueJsonCannotHold() {
    assertThatThrownBy(() -> Json.toJson(new Weather("a", Double.NaN, List.of())))
        .isInstanceOfSatisfying(
            JsonException.class, e -> assertThat(e.path()).isEqualTo("$.temperature"))
        .hasMessageContaining("$.temperature (Weather.temperature): JSON has no literal for NaN");
    assertThatThrownBy(() -> Json.toJson(List.of(1, Map.of(3, "x"))))
        .isInstanceOfSatisfying(JsonException.class, e -> assertThat(e.path()).isEqualTo("$[1]"))
        .hasMessageContaining(
            "map keys must be strings to become member names, not java.lang.Integer");
    assertThatThrownBy(() -> Json.toJson(Map.of("f", List.of(Float.POSITIVE_INFINITY))))
        .isInstanceOfSatisfying(JsonException.class, e -> assertThat(e.path()).isEqualTo("$.f[0]"));
    assertThatThrownBy(
            () ->
                Json.toJson(
                    new Drawing(List.of(new Circle(1), new Square(Double.NEGATIVE_INFINITY)))))
        .isInstanceOfSatisfying(
            JsonException.class, e -> assertThat(e.path()).isEqualTo("$.figures[1].side"));
  }

  @Test
  void unsupportedTypesFailWithAnIllegalArgument() {
    assertThatThrownBy(() -> Json.toJson(new java.util.Date()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Date: java.util.Date is not supported");
    assertThatThrownBy(() -> Json.toJson(new char[] {'a'}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("char[] is not supported");
    assertThatThrownBy(() -> Json.bind(Json.parse("{}"), Object.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Object: java.lang.Object is not supported");
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThatThrownBy(() -> Json.bind(null, Weather.class))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Json.bind(JsonNull.INSTANCE, null))
        .isInstanceOf(NullPointerException.class);
  }
}
