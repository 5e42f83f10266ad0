package io.github.kimisdk.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonOptional;
import io.github.kimisdk.json.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Date;
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

/** {@link JsonSchema#of(Class)}: one row per supported type, then nesting, recursion, errors. */
class JsonSchemaOfRecordTest {

  record Str(String v) {}

  record Bool(boolean v) {}

  record BoxedBool(Boolean v) {}

  record Byt(byte v) {}

  record Shrt(Short v) {}

  record Int(int v) {}

  record Lng(Long v) {}

  record Flt(float v) {}

  record Dbl(Double v) {}

  record BigInt(BigInteger v) {}

  record BigDec(BigDecimal v) {}

  record AtInstant(Instant v) {}

  record AtOffset(OffsetDateTime v) {}

  record AtZoned(ZonedDateTime v) {}

  record AtLocalDateTime(LocalDateTime v) {}

  record OnDate(LocalDate v) {}

  record AtTime(LocalTime v) {}

  record InMonth(YearMonth v) {}

  record Lasting(Duration v) {}

  record Spanning(Period v) {}

  enum Unit {
    CELSIUS,
    FAHRENHEIT
  }

  record WithEnum(Unit v) {}

  record Strings(List<String> v) {}

  record Numbers(Collection<Integer> v) {}

  record Tags(Set<String> v) {}

  record Ints(int[] v) {}

  record Units(Unit[] v) {}

  record Prices(Map<String, Double> v) {}

  record Anything(JsonValue v) {}

  record AnyObject(JsonObject v) {}

  record AnyArray(JsonArray v) {}

  record Maybe(Optional<String> v) {}

  record MaybeInt(OptionalInt v) {}

  record MaybeLong(OptionalLong v) {}

  record MaybeDouble(OptionalDouble v) {}

  record Marked(@JsonOptional Integer v) {}

  record Described(@Description("degrees Celsius") double v) {}

  record DescribedDate(@Description("first day of the trip") LocalDate v) {}

  record Wildcard(List<? extends String> v) {}

  static Stream<Arguments> types() {
    return Stream.of(
        row(Str.class, "{\"type\":\"string\"}"),
        row(Bool.class, "{\"type\":\"boolean\"}"),
        row(BoxedBool.class, "{\"type\":\"boolean\"}"),
        row(Byt.class, "{\"type\":\"integer\"}"),
        row(Shrt.class, "{\"type\":\"integer\"}"),
        row(Int.class, "{\"type\":\"integer\"}"),
        row(Lng.class, "{\"type\":\"integer\"}"),
        row(Flt.class, "{\"type\":\"number\"}"),
        row(Dbl.class, "{\"type\":\"number\"}"),
        row(BigInt.class, "{\"type\":\"integer\"}"),
        row(BigDec.class, "{\"type\":\"number\"}"),
        row(
            AtInstant.class,
            "{\"type\":\"string\",\"description\":"
                + "\"ISO 8601 date-time in UTC, such as 2026-03-25T10:15:30Z\"}"),
        row(
            AtOffset.class,
            "{\"type\":\"string\",\"description\":"
                + "\"ISO 8601 date-time with offset, such as 2026-03-25T10:15:30+01:00\"}"),
        row(
            AtZoned.class,
            "{\"type\":\"string\",\"description\":\"ISO 8601 date-time with offset and optional"
                + " zone, such as 2026-03-25T10:15:30+01:00[Europe/Paris]\"}"),
        row(
            AtLocalDateTime.class,
            "{\"type\":\"string\",\"description\":"
                + "\"ISO 8601 local date-time, such as 2026-03-25T10:15:30\"}"),
        row(
            OnDate.class,
            "{\"type\":\"string\",\"description\":\"ISO 8601 date, such as 2026-03-25\"}"),
        row(
            AtTime.class,
            "{\"type\":\"string\",\"description\":\"ISO 8601 local time, such as 10:15:30\"}"),
        row(
            InMonth.class,
            "{\"type\":\"string\",\"description\":\"ISO 8601 year and month, such as 2026-03\"}"),
        row(
            Lasting.class,
            "{\"type\":\"string\",\"description\":\"ISO 8601 duration, such as PT1H30M\"}"),
        row(
            Spanning.class,
            "{\"type\":\"string\",\"description\":\"ISO 8601 period, such as P1Y2M10D\"}"),
        row(WithEnum.class, "{\"type\":\"string\",\"enum\":[\"CELSIUS\",\"FAHRENHEIT\"]}"),
        row(Strings.class, "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"),
        row(Numbers.class, "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}"),
        row(Tags.class, "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"),
        row(Ints.class, "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}"),
        row(
            Units.class,
            "{\"type\":\"array\",\"items\":"
                + "{\"type\":\"string\",\"enum\":[\"CELSIUS\",\"FAHRENHEIT\"]}}"),
        row(Prices.class, "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\"}}"),
        row(
            Anything.class,
            "{\"type\":[\"object\",\"array\",\"string\",\"number\",\"boolean\",\"null\"]}"),
        row(AnyObject.class, "{\"type\":\"object\"}"),
        row(AnyArray.class, "{\"type\":\"array\"}"),
        row(Maybe.class, "{\"type\":\"string\"}"),
        row(MaybeInt.class, "{\"type\":\"integer\"}"),
        row(MaybeLong.class, "{\"type\":\"integer\"}"),
        row(MaybeDouble.class, "{\"type\":\"number\"}"),
        row(Marked.class, "{\"type\":\"integer\"}"),
        row(Described.class, "{\"type\":\"number\",\"description\":\"degrees Celsius\"}"),
        row(
            DescribedDate.class,
            "{\"type\":\"string\",\"description\":"
                + "\"first day of the trip (ISO 8601 date, such as 2026-03-25)\"}"),
        row(Wildcard.class, "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"));
  }

  private static Arguments row(Class<?> record, String property) {
    return Arguments.of(record.getSimpleName(), record, property);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void eachSupportedTypeHasItsSchema(String name, Class<?> record, String property) {
    JsonObject schema = JsonSchema.of(record).toJson();
    JsonSchema.validate(schema);
    assertThat(schema.get("type").asString()).isEqualTo("object");
    assertThat(schema.get("properties").get("v")).isEqualTo(Json.parse(property));
    boolean optional = name.startsWith("Maybe") || name.equals("Marked");
    assertThat(schema.get("required"))
        .as("required of %s", name)
        .isEqualTo(optional ? null : Json.parse("[\"v\"]"));
    assertThat(schema.get("additionalProperties")).isEqualTo(Json.parse("false"));
  }

  @Description("Current weather at one place")
  record Weather(
      String city,
      @Description("degrees Celsius") double temperature,
      List<String> warnings,
      @JsonOptional Wind wind) {}

  record Wind(@Description("km/h") int speed, Direction from) {}

  @Description("Where the wind comes from")
  enum Direction {
    N,
    E,
    S,
    W
  }

  @Test
  void nestedRecordsAreInlinedWithTheirDescriptions() {
    assertThat(JsonSchema.of(Weather.class).toString())
        .isEqualTo(
            "{\"type\":\"object\",\"description\":\"Current weather at one place\","
                + "\"properties\":{"
                + "\"city\":{\"type\":\"string\"},"
                + "\"temperature\":{\"type\":\"number\",\"description\":\"degrees Celsius\"},"
                + "\"warnings\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
                + "\"wind\":{\"type\":\"object\",\"properties\":{"
                + "\"speed\":{\"type\":\"integer\",\"description\":\"km/h\"},"
                + "\"from\":{\"type\":\"string\",\"enum\":[\"N\",\"E\",\"S\",\"W\"],"
                + "\"description\":\"Where the wind comes from\"}},"
                + "\"required\":[\"speed\",\"from\"],\"additionalProperties\":false}},"
                + "\"required\":[\"city\",\"temperature\",\"warnings\"],"
                + "\"additionalProperties\":false}");
  }

  record Trip(@Description("the way out") Leg out, @Description("the way back") Leg back) {}

  @Description("One flight")
  record Leg(String from, String to) {}

  @Test
  void aComponentDescriptionReplacesTheTypeDescription() {
    JsonObject schema = JsonSchema.of(Trip.class).toJson();
    assertThat(schema.get("properties").get("out").get("description").asString())
        .isEqualTo("the way out");
    assertThat(schema.get("properties").get("back").get("description").asString())
        .isEqualTo("the way back");
    assertThat(schema.get("properties").get("back").get("type").asString()).isEqualTo("object");
  }

  record Node(String name, List<Node> children) {}

  @Test
  void aRecursiveRootIsInlinedAndDefinedOnceUnderDefs() {
    JsonObject schema = JsonSchema.of(Node.class).toJson();
    JsonSchema.validate(schema);
    String node =
        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
            + "\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/Node\"}}},"
            + "\"required\":[\"name\",\"children\"],\"additionalProperties\":false}";
    JsonObject expected = (JsonObject) Json.parse(node);
    assertThat(schema.get("properties")).isEqualTo(expected.get("properties"));
    assertThat(schema.get("$defs")).isEqualTo(Json.parse("{\"Node\":" + node + "}"));
  }

  record Org(String name, @Description("the top of the tree") Person head) {}

  @Description("Someone and the people who report to them")
  record Person(String name, List<Person> reports, @JsonOptional Person mentor) {}

  @Test
  void anInnerRecursiveRecordIsReferencedWithoutASecondDescription() {
    JsonObject schema = JsonSchema.of(Org.class).toJson();
    JsonSchema.validate(schema);
    // Kimi rejects a description beside a $ref whose target has one: the use's is dropped.
    assertThat(schema.get("properties").get("head"))
        .isEqualTo(Json.parse("{\"$ref\":\"#/$defs/Person\"}"));
    JsonValue person = schema.get("$defs").get("Person");
    assertThat(person.get("description").asString())
        .isEqualTo("Someone and the people who report to them");
    assertThat(person.get("properties").get("reports"))
        .isEqualTo(Json.parse("{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/Person\"}}"));
    assertThat(person.get("properties").get("mentor"))
        .isEqualTo(Json.parse("{\"$ref\":\"#/$defs/Person\"}"));
    assertThat(person.get("required")).isEqualTo(Json.parse("[\"name\",\"reports\"]"));
  }

  record Folder(String name, @Description("the parent folder") @JsonOptional Dir parent) {}

  record Dir(String path, @JsonOptional Dir parent) {}

  @Test
  void aUseDescriptionStaysBesideARefWhoseTargetHasNone() {
    JsonObject schema = JsonSchema.of(Folder.class).toJson();
    JsonSchema.validate(schema);
    assertThat(schema.get("properties").get("parent"))
        .isEqualTo(Json.parse("{\"description\":\"the parent folder\",\"$ref\":\"#/$defs/Dir\"}"));
  }

  @Description("A shape to draw")
  sealed interface Figure permits Circle, Square, Polygon {}

  record Circle(double radius) implements Figure {}

  record Square(double side) implements Figure {}

  sealed interface Polygon extends Figure permits Triangle {}

  @Description("Three corners")
  record Triangle(List<Point> corners) implements Polygon {}

  record Point(double x, double y) {}

  record Drawing(List<Figure> figures, @Description("the one in front") Figure top) {}

  @Test
  void aSealedInterfaceIsAnAnyOfWithADiscriminatorPerRecord() {
    JsonObject schema = JsonSchema.of(Drawing.class).toJson();
    JsonSchema.validate(schema);
    JsonValue figures = schema.get("properties").get("figures");
    assertThat(figures.get("type").asString()).isEqualTo("array");
    JsonValue union = figures.get("items");
    // walle refuses a description both beside anyOf and inside a branch ("conflicting keywords
    // found in anyOf with parent", validator.go CheckAnyOfConflicts at its default level), and
    // Triangle has its own: the union's description goes into each branch instead.
    assertThat(union.get("description")).isNull();
    assertThat(union.get("type")).as("no type beside anyOf").isNull();
    JsonArray branches = union.get("anyOf").asArray();
    assertThat(branches.size()).isEqualTo(3);
    assertThat(branches.get(0))
        .isEqualTo(
            Json.parse(
                "{\"type\":\"object\",\"properties\":{"
                    + "\"type\":{\"type\":\"string\",\"enum\":[\"Circle\"]},"
                    + "\"radius\":{\"type\":\"number\"}},"
                    + "\"required\":[\"type\",\"radius\"],\"additionalProperties\":false,"
                    + "\"description\":\"A shape to draw\"}"));
    assertThat(branches.get(1).get("description").asString()).isEqualTo("A shape to draw");
    assertThat(branches.get(2).get("description").asString())
        .isEqualTo("A shape to draw: Three corners");
    assertThat(branches.get(2).get("properties").get("type"))
        .isEqualTo(Json.parse("{\"type\":\"string\",\"enum\":[\"Triangle\"]}"));
    JsonValue top = schema.get("properties").get("top");
    assertThat(top.get("description")).isNull();
    JsonArray topBranches = top.get("anyOf").asArray();
    assertThat(topBranches.get(0).get("description").asString()).isEqualTo("the one in front");
    assertThat(topBranches.get(2).get("description").asString())
        .isEqualTo("the one in front: Three corners");
  }

  record Plain(double size) implements Labelled {}

  @Description("Something with a label")
  sealed interface Labelled permits Plain {}

  record Holder(Labelled thing) {}

  @Test
  void aUnionWhoseRecordsHaveNoDescriptionKeepsItsOwnBesideTheAnyOf() {
    JsonObject schema = JsonSchema.of(Holder.class).toJson();
    JsonValue thing = schema.get("properties").get("thing");
    assertThat(thing.get("description").asString()).isEqualTo("Something with a label");
    assertThat(thing.get("anyOf").asArray().get(0).get("description")).isNull();
  }

  sealed interface Expr permits Num, Add {}

  record Num(double value) implements Expr {}

  record Add(Expr left, Expr right) implements Expr {}

  record Calculation(Expr expr) {}

  @Test
  void aRecursiveSealedInterfaceIsDefinedOnce() {
    JsonObject schema = JsonSchema.of(Calculation.class).toJson();
    JsonSchema.validate(schema);
    assertThat(schema.get("properties").get("expr"))
        .isEqualTo(Json.parse("{\"$ref\":\"#/$defs/Expr\"}"));
    JsonValue add = schema.get("$defs").get("Expr").get("anyOf").get(1);
    assertThat(add.get("properties").get("left"))
        .isEqualTo(Json.parse("{\"$ref\":\"#/$defs/Expr\"}"));
    assertThat(schema.get("$defs").asObject().names()).containsExactly("Expr");
  }

  @Test
  void aRecordOfASealedInterfaceCarriesItsDiscriminatorAlsoAtTheRoot() {
    JsonObject schema = JsonSchema.of(Circle.class).toJson();
    assertThat(schema.get("properties").asObject().names()).containsExactly("type", "radius");
    assertThat(schema.get("required")).isEqualTo(Json.parse("[\"type\",\"radius\"]"));
  }

  @Test
  void theSchemaIsDerivedOncePerClass() {
    assertThat(JsonSchema.of(Weather.class)).isSameAs(JsonSchema.of(Weather.class));
  }

  record WithDate(String name, List<Stop> stops) {}

  record Stop(String city, Date when) {}

  record WithObject(Object anything) {}

  record WithRawList(@SuppressWarnings("rawtypes") List items) {}

  record WithNumberKeys(Map<Integer, String> byId) {}

  record WithChar(char initial) {}

  record WithOptionalList(List<Optional<String>> items) {}

  record Generic<T>(T value) {}

  record HoldsGeneric(Generic<String> g) {}

  record WithOptionalPrimitive(@JsonOptional int days) {}

  record Form(String label, boolean required) {}

  record Clash(String type) implements Shape2 {}

  sealed interface Shape2 permits Clash {}

  record HoldsClash(Shape2 s) {}

  sealed interface Eleven permits E1, E2, E3, E4, E5, E6, E7, E8, E9, E10, E11 {}

  record E1() implements Eleven {}

  record E2() implements Eleven {}

  record E3() implements Eleven {}

  record E4() implements Eleven {}

  record E5() implements Eleven {}

  record E6() implements Eleven {}

  record E7() implements Eleven {}

  record E8() implements Eleven {}

  record E9() implements Eleven {}

  record E10() implements Eleven {}

  record E11() implements Eleven {}

  record HoldsEleven(Eleven e) {}

  static Stream<Arguments> unsupported() {
    return Stream.of(
        Arguments.of(WithDate.class, "WithDate.stops[].when: java.util.Date is not supported"),
        Arguments.of(WithObject.class, "WithObject.anything: java.lang.Object is not supported"),
        Arguments.of(WithRawList.class, "WithRawList.items: java.util.List is not supported"),
        Arguments.of(WithNumberKeys.class, "map keys must be String"),
        Arguments.of(WithChar.class, "WithChar.initial: char is not supported"),
        Arguments.of(
            WithOptionalList.class,
            "WithOptionalList.items[]: java.util.Optional<java.lang.String> is not supported;"
                + " Optional is supported only as the type of a record component"),
        Arguments.of(HoldsGeneric.class, "HoldsGeneric.g: "),
        Arguments.of(HoldsGeneric.class, "generic records are not supported"),
        Arguments.of(WithOptionalPrimitive.class, "WithOptionalPrimitive.days: a primitive int"),
        Arguments.of(Form.class, "Form.required: Kimi rejects a property named \"required\""),
        Arguments.of(HoldsClash.class, "has a component named \"type\""),
        Arguments.of(HoldsEleven.class, "permits 11 records, and Kimi accepts at most 10"),
        Arguments.of(Unit.class, "is not a record"),
        Arguments.of(String.class, "is not a record"));
  }

  @ParameterizedTest
  @MethodSource("unsupported")
  void anUnsupportedTypeFailsNamingTheComponentPath(Class<?> type, String message) {
    assertThatThrownBy(() -> JsonSchema.of(type))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void nullIsRejected() {
    assertThatThrownBy(() -> JsonSchema.of((Class<?>) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("type");
  }

  /**
   * Every record of this class whose schema can be derived gets one that Moonshot's validator
   * accepts, as tool parameters and as a response format schema. (The records that cannot be
   * derived fail for their component types, never with a schema rule.)
   */
  @Test
  void everyDerivedSchemaPassesTheMfjsValidator() {
    int derived = 0;
    for (Class<?> c : JsonSchemaOfRecordTest.class.getDeclaredClasses()) {
      if (!c.isRecord()) {
        continue;
      }
      JsonObject schema;
      try {
        schema = JsonSchema.of(c).toJson();
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).as(c.getSimpleName()).doesNotContain("schema at $");
        continue;
      }
      JsonSchema.validate(schema);
      JsonSchema.validateMfjs(schema);
      MfjsValidator.check(schema, MfjsValidator.Limits.WALLE_TESTS, "schema");
      derived++;
    }
    assertThat(derived).isGreaterThanOrEqualTo(20);
  }
}
