package io.github.kimisdk.json;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property: {@code bind(toJson(x)) == x}, for the tree and for its text, over records generated
 * from fixed seeds that hold every supported type: extreme numbers, any Unicode, every zone, sealed
 * and recursive records, empty and present optionals, and {@code null} wherever Java can hold one
 * (components of reference type, a recursive record's nested component, list, set and array
 * elements, map values). The two values that come back as something else, a {@code null} optional
 * and a {@code null} {@code JsonValue}, are in {@code JsonBindNullTest}.
 */
class JsonBindRoundTripTest {

  enum Color {
    RED,
    GREEN,
    BLUE
  }

  sealed interface Figure permits Circle, Label, Polygon {}

  record Circle(double radius, Point center) implements Figure {}

  record Label(String text, Optional<Color> color) implements Figure {}

  sealed interface Polygon extends Figure permits Triangle, Path {}

  record Triangle(Point a, Point b, Point c) implements Polygon {}

  record Path(List<Point> points, boolean closed) implements Polygon {}

  record Point(float x, float y) {}

  record Tree(String name, List<Tree> children, @JsonOptional Tree shortcut, Tree next) {}

  record Everything(
      String s,
      boolean b,
      Boolean bb,
      byte by,
      Short sh,
      int i,
      Long l,
      float f,
      Double d,
      BigInteger bi,
      BigDecimal bd,
      Instant instant,
      OffsetDateTime offset,
      ZonedDateTime zoned,
      LocalDateTime local,
      LocalDate date,
      LocalTime time,
      YearMonth month,
      Duration duration,
      Period period,
      Color color,
      List<String> list,
      Set<Integer> set,
      Map<String, Double> map,
      Optional<Tree> tree,
      OptionalInt oi,
      OptionalLong ol,
      OptionalDouble od,
      @JsonOptional String maybe,
      Figure figure,
      List<Figure> figures,
      Map<String, List<Color>> nested,
      Long[] boxed,
      JsonValue json) {

    // Arrays compare by identity in a record's equals; compare them by content.
    @Override
    public boolean equals(Object o) {
      return o instanceof Everything e
          && e.withoutArray().equals(withoutArray())
          && java.util.Arrays.equals(e.boxed, boxed);
    }

    @Override
    public int hashCode() {
      return withoutArray().hashCode() * 31 + java.util.Arrays.hashCode(boxed);
    }

    private List<Object> withoutArray() {
      return java.util.Arrays.asList(
          s, b, bb, by, sh, i, l, f, d, bi, bd, instant, offset, zoned, local, date, time, month,
          duration, period, color, list, set, map, tree, oi, ol, od, maybe, figure, figures, nested,
          json);
    }
  }

  private static final List<String> ZONES =
      new ArrayList<>(new TreeSet<>(ZoneId.getAvailableZoneIds()));

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 20261123})
  void bindOfToJsonGivesTheSameRecord(long seed) {
    Gen g = new Gen(new Random(seed));
    for (int n = 0; n < 300; n++) {
      Everything x = g.everything();
      JsonValue tree = Json.toJson(x);
      assertThat(Json.bind(tree, Everything.class))
          .as("seed %d case %d: %s", seed, n, tree)
          .isEqualTo(x);
      String text = Json.write(tree);
      assertThat(Json.bind(Json.parse(text), Everything.class))
          .as("seed %d case %d, through text: %s", seed, n, text)
          .isEqualTo(x);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {7, 8})
  void aSealedRootRoundTripsByItsDiscriminator(long seed) {
    Gen g = new Gen(new Random(seed));
    for (int n = 0; n < 300; n++) {
      Figure f = g.figure();
      assertThat(Json.bind(Json.parse(Json.write(Json.toJson(f))), Figure.class)).isEqualTo(f);
    }
  }

  /** Random values; sizes stay small so a case is quick, and edges come often. */
  private static final class Gen {
    private final Random r;

    Gen(Random r) {
      this.r = r;
    }

    Everything everything() {
      return new Everything(
          nullable(this::string),
          r.nextBoolean(),
          nullable(r::nextBoolean),
          (byte) r.nextInt(),
          nullable(() -> (short) r.nextInt()),
          pick(() -> r.nextInt(), () -> Integer.MIN_VALUE, () -> Integer.MAX_VALUE, () -> 0),
          nullable(() -> pick(() -> r.nextLong(), () -> Long.MIN_VALUE, () -> Long.MAX_VALUE)),
          floatValue(),
          nullable(this::doubleValue),
          nullable(
              () ->
                  new BigInteger(1 + r.nextInt(200), r)
                      .multiply(BigInteger.valueOf(r.nextBoolean() ? 1 : -1))),
          nullable(() -> new BigDecimal(new BigInteger(1 + r.nextInt(100), r), r.nextInt(60) - 30)),
          nullable(
              () ->
                  Instant.ofEpochSecond(r.nextLong() % 100_000_000_000L, r.nextInt(1_000_000_000))),
          nullable(
              () ->
                  OffsetDateTime.of(
                      localDateTime(), ZoneOffset.ofTotalSeconds((r.nextInt(36) - 18) * 3600))),
          nullable(
              () ->
                  ZonedDateTime.of(localDateTime(), ZoneId.of(ZONES.get(r.nextInt(ZONES.size()))))),
          nullable(this::localDateTime),
          nullable(() -> localDateTime().toLocalDate()),
          nullable(() -> LocalTime.ofNanoOfDay(Math.floorMod(r.nextLong(), 86_400_000_000_000L))),
          nullable(() -> YearMonth.of(1 + r.nextInt(9999), 1 + r.nextInt(12))),
          nullable(
              () -> Duration.ofSeconds(r.nextLong() % 10_000_000_000L, r.nextInt(1_000_000_000))),
          nullable(
              () -> Period.of(r.nextInt(2000) - 1000, r.nextInt(100) - 50, r.nextInt(1000) - 500)),
          nullable(this::color),
          nullable(() -> list(() -> nullable(this::string))),
          nullable(() -> new LinkedHashSet<>(list(() -> nullable(r::nextInt)))),
          nullable(() -> map(() -> nullable(this::doubleValue))),
          r.nextBoolean() ? Optional.empty() : Optional.of(tree(3)),
          r.nextBoolean() ? OptionalInt.empty() : OptionalInt.of(r.nextInt()),
          r.nextBoolean() ? OptionalLong.empty() : OptionalLong.of(r.nextLong()),
          r.nextBoolean() ? OptionalDouble.empty() : OptionalDouble.of(doubleValue()),
          r.nextBoolean() ? null : string(),
          nullable(this::figure),
          nullable(() -> list(() -> nullable(this::figure))),
          nullable(() -> map(() -> nullable(() -> list(() -> nullable(this::color))))),
          nullable(() -> list(() -> nullable(r::nextLong)).toArray(new Long[0])),
          json(3));
    }

    /** The value, or null one time in five. */
    <T> T nullable(Supplier<T> value) {
      return r.nextInt(5) == 0 ? null : value.get();
    }

    @SafeVarargs
    private <T> T pick(Supplier<T>... choices) {
      return choices[r.nextInt(choices.length)].get();
    }

    LocalDateTime localDateTime() {
      return LocalDateTime.of(
          1 + r.nextInt(9999),
          1 + r.nextInt(12),
          1 + r.nextInt(28),
          r.nextInt(24),
          r.nextInt(60),
          r.nextInt(60),
          r.nextBoolean() ? 0 : r.nextInt(1_000_000_000));
    }

    Color color() {
      return Color.values()[r.nextInt(3)];
    }

    String string() {
      int n = r.nextInt(8);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < n; i++) {
        switch (r.nextInt(6)) {
          case 0 -> sb.append((char) r.nextInt(0x20)); // control characters
          case 1 -> sb.append("\"\\/");
          case 2 -> sb.appendCodePoint(0x10000 + r.nextInt(0x10FFFF - 0x10000)); // pairs
          case 3 -> sb.append((char) (0x80 + r.nextInt(0xD800 - 0x80)));
          default -> sb.append((char) ('a' + r.nextInt(26)));
        }
      }
      return sb.toString();
    }

    float floatValue() {
      float f;
      do {
        f =
            switch (r.nextInt(4)) {
              case 0 -> Float.intBitsToFloat(r.nextInt());
              case 1 -> r.nextBoolean() ? -0.0f : Float.MIN_VALUE;
              case 2 -> (float) r.nextGaussian();
              default -> r.nextInt(1000) / 10f;
            };
      } while (!Float.isFinite(f));
      return f;
    }

    double doubleValue() {
      double d;
      do {
        d =
            switch (r.nextInt(4)) {
              case 0 -> Double.longBitsToDouble(r.nextLong());
              case 1 -> r.nextBoolean() ? -0.0 : Double.MIN_VALUE;
              case 2 -> r.nextGaussian() * 1e6;
              default -> r.nextInt(1000) / 10.0;
            };
      } while (!Double.isFinite(d));
      return d;
    }

    <T> List<T> list(Supplier<T> element) {
      int n = r.nextInt(4);
      List<T> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.add(element.get());
      }
      return out;
    }

    <T> Map<String, T> map(Supplier<T> value) {
      Map<String, T> out = new LinkedHashMap<>();
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        out.put(string(), value.get());
      }
      return out;
    }

    Tree tree(int depth) {
      List<Tree> children = depth == 0 ? List.of() : list(() -> nullable(() -> tree(depth - 1)));
      return new Tree(
          nullable(this::string),
          children,
          depth > 0 && r.nextInt(4) == 0 ? tree(0) : null,
          depth > 0 && r.nextBoolean() ? tree(depth - 1) : null); // often a null nested record
    }

    Point point() {
      return new Point(floatValue(), floatValue());
    }

    Figure figure() {
      return switch (r.nextInt(4)) {
        case 0 -> new Circle(doubleValue(), nullable(this::point));
        case 1 ->
            new Label(
                nullable(this::string), r.nextBoolean() ? Optional.empty() : Optional.of(color()));
        case 2 -> new Triangle(point(), nullable(this::point), point());
        default -> new Path(nullable(() -> list(() -> nullable(this::point))), r.nextBoolean());
      };
    }

    JsonValue json(int depth) {
      int kind = r.nextInt(depth == 0 ? 4 : 6);
      return switch (kind) {
        case 0 -> JsonNull.INSTANCE;
        case 1 -> JsonBoolean.of(r.nextBoolean());
        case 2 -> JsonNumber.of(doubleValue());
        case 3 -> JsonString.of(string());
        case 4 -> JsonArray.of(list(() -> json(depth - 1)));
        default -> JsonObject.of(map(() -> json(depth - 1)));
      };
    }
  }
}
