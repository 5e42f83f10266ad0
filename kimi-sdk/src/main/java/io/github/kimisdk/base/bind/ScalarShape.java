package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
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
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** A type that maps to one JSON value with no parts the SDK looks into: numbers, text, time. */
public final class ScalarShape extends Shape {

  /** The scalar types, each with its JSON type and, for text with a format, how to write it. */
  public enum Kind {
    /** {@code String}. */
    STRING("string", null),
    /** {@code boolean}, {@code Boolean}. */
    BOOLEAN("boolean", null),
    /** {@code byte}, {@code Byte}. */
    BYTE("integer", null),
    /** {@code short}, {@code Short}. */
    SHORT("integer", null),
    /** {@code int}, {@code Integer}. */
    INT("integer", null),
    /** {@code long}, {@code Long}. */
    LONG("integer", null),
    /** {@code float}, {@code Float}. */
    FLOAT("number", null),
    /** {@code double}, {@code Double}. */
    DOUBLE("number", null),
    /** {@code BigInteger}. */
    BIG_INTEGER("integer", null),
    /** {@code BigDecimal}. */
    BIG_DECIMAL("number", null),
    /** {@code Instant}. */
    INSTANT("string", "ISO 8601 date-time in UTC, such as 2026-03-25T10:15:30Z"),
    /** {@code OffsetDateTime}. */
    OFFSET_DATE_TIME("string", "ISO 8601 date-time with offset, such as 2026-03-25T10:15:30+01:00"),
    /** {@code ZonedDateTime}. */
    ZONED_DATE_TIME(
        "string",
        "ISO 8601 date-time with offset and optional zone, such as"
            + " 2026-03-25T10:15:30+01:00[Europe/Paris]"),
    /** {@code LocalDateTime}. */
    LOCAL_DATE_TIME("string", "ISO 8601 local date-time, such as 2026-03-25T10:15:30"),
    /** {@code LocalDate}. */
    LOCAL_DATE("string", "ISO 8601 date, such as 2026-03-25"),
    /** {@code LocalTime}. */
    LOCAL_TIME("string", "ISO 8601 local time, such as 10:15:30"),
    /** {@code YearMonth}. */
    YEAR_MONTH("string", "ISO 8601 year and month, such as 2026-03"),
    /** {@code Duration}. */
    DURATION("string", "ISO 8601 duration, such as PT1H30M"),
    /** {@code Period}. */
    PERIOD("string", "ISO 8601 period, such as P1Y2M10D"),
    /** {@code JsonValue}: anything. */
    JSON_VALUE(null, null),
    /** {@code JsonObject}. */
    JSON_OBJECT("object", null),
    /** {@code JsonArray}. */
    JSON_ARRAY("array", null);

    private final String jsonType;
    private final String format;

    Kind(String jsonType, String format) {
      this.jsonType = jsonType;
      this.format = format;
    }

    /**
     * Returns the JSON Schema type name.
     *
     * @return such as {@code "integer"}; null for {@link #JSON_VALUE}, which is any type
     */
    public String jsonType() {
      return jsonType;
    }

    /**
     * Returns how the text is written, for a schema's description (Kimi takes no {@code format}).
     *
     * @return such as {@code "ISO 8601 date, such as 2026-03-25"}; null for types without one
     */
    public String format() {
      return format;
    }
  }

  private static final Map<Class<?>, Kind> KINDS = new HashMap<>();
  private static final Map<Kind, ScalarShape> SHAPES = new EnumMap<>(Kind.class);

  static {
    put(Kind.STRING, String.class);
    put(Kind.BOOLEAN, boolean.class, Boolean.class);
    put(Kind.BYTE, byte.class, Byte.class);
    put(Kind.SHORT, short.class, Short.class);
    put(Kind.INT, int.class, Integer.class);
    put(Kind.LONG, long.class, Long.class);
    put(Kind.FLOAT, float.class, Float.class);
    put(Kind.DOUBLE, double.class, Double.class);
    put(Kind.BIG_INTEGER, BigInteger.class);
    put(Kind.BIG_DECIMAL, BigDecimal.class);
    put(Kind.INSTANT, Instant.class);
    put(Kind.OFFSET_DATE_TIME, OffsetDateTime.class);
    put(Kind.ZONED_DATE_TIME, ZonedDateTime.class);
    put(Kind.LOCAL_DATE_TIME, LocalDateTime.class);
    put(Kind.LOCAL_DATE, LocalDate.class);
    put(Kind.LOCAL_TIME, LocalTime.class);
    put(Kind.YEAR_MONTH, YearMonth.class);
    put(Kind.DURATION, Duration.class);
    put(Kind.PERIOD, Period.class);
    put(Kind.JSON_VALUE, JsonValue.class);
    put(Kind.JSON_OBJECT, JsonObject.class);
    put(Kind.JSON_ARRAY, JsonArray.class);
  }

  private static void put(Kind kind, Class<?>... classes) {
    for (Class<?> c : classes) {
      KINDS.put(c, kind);
    }
    SHAPES.put(kind, new ScalarShape(kind));
  }

  private final Kind kind;

  private ScalarShape(Kind kind) {
    this.kind = kind;
  }

  /** The shape of a scalar class, or null when {@code c} is not one. */
  static ScalarShape of(Class<?> c) {
    Kind k = KINDS.get(c);
    return k == null ? null : SHAPES.get(k);
  }

  /**
   * Returns which scalar this is.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  @Override
  public boolean nullBindsToJavaNull() {
    return kind != Kind.JSON_VALUE;
  }

  @Override
  public Object bind(JsonValue v) {
    switch (kind) {
      case STRING:
        return string(v);
      case BOOLEAN:
        if (v instanceof JsonBoolean b) {
          return b.value();
        }
        throw BindFailure.expected("a boolean", v);
      case BYTE:
        {
          long n = whole(v, "a whole number from -128 to 127");
          if ((byte) n != n) {
            throw new BindFailure("expected a whole number from -128 to 127 but was " + n, null);
          }
          return (byte) n;
        }
      case SHORT:
        {
          long n = whole(v, "a whole number from -32768 to 32767");
          if ((short) n != n) {
            throw new BindFailure(
                "expected a whole number from -32768 to 32767 but was " + n, null);
          }
          return (short) n;
        }
      case INT:
        {
          long n = whole(v, "a whole number that fits a Java int");
          if ((int) n != n) {
            throw new BindFailure(
                "expected a whole number that fits a Java int but was " + n, null);
          }
          return (int) n;
        }
      case LONG:
        return whole(v, "a whole number that fits a Java long");
      case FLOAT:
        {
          float f = Float.parseFloat(number(v).literal());
          if (Float.isInfinite(f)) {
            throw new BindFailure("expected a number in the range of a Java float", null);
          }
          return f;
        }
      case DOUBLE:
        try {
          return number(v).doubleValue();
        } catch (JsonException e) {
          throw new BindFailure("expected a number in the range of a Java double", null);
        }
      case BIG_INTEGER:
        try {
          return number(v).bigDecimalValue().toBigIntegerExact();
        } catch (ArithmeticException | JsonException e) {
          throw new BindFailure("expected a whole number", null);
        }
      case BIG_DECIMAL:
        try {
          return number(v).bigDecimalValue();
        } catch (JsonException e) {
          throw new BindFailure("expected a number in the range of a BigDecimal", null);
        }
      case JSON_VALUE:
        return v;
      case JSON_OBJECT:
        return BindFailure.object(v);
      case JSON_ARRAY:
        return BindFailure.array(v);
      default:
        return time(string(v));
    }
  }

  private Object time(String s) {
    try {
      switch (kind) {
        case INSTANT:
          return Instant.parse(s);
        case OFFSET_DATE_TIME:
          return OffsetDateTime.parse(s);
        case ZONED_DATE_TIME:
          return ZonedDateTime.parse(s);
        case LOCAL_DATE_TIME:
          return LocalDateTime.parse(s);
        case LOCAL_DATE:
          return LocalDate.parse(s);
        case LOCAL_TIME:
          return LocalTime.parse(s);
        case YEAR_MONTH:
          return YearMonth.parse(s);
        case DURATION:
          return Duration.parse(s);
        case PERIOD:
          return Period.parse(s);
        default:
          throw new AssertionError(kind);
      }
    } catch (DateTimeParseException e) {
      throw new BindFailure(
          "expected a string holding an " + kind.format + "; this one does not parse", null);
    }
  }

  private static String string(JsonValue v) {
    return BindFailure.string(v).value();
  }

  private static JsonNumber number(JsonValue v) {
    if (v instanceof JsonNumber n) {
      return n;
    }
    throw BindFailure.expected("a number", v);
  }

  private static long whole(JsonValue v, String what) {
    try {
      return number(v).longValue();
    } catch (JsonException e) {
      throw new BindFailure("expected " + what + " but was another number", null);
    }
  }

  @Override
  public JsonValue write(Object o) {
    switch (kind) {
      case STRING:
        return JsonString.of((String) o);
      case BOOLEAN:
        return JsonBoolean.of((Boolean) o);
      case BYTE:
      case SHORT:
      case INT:
      case LONG:
        return JsonNumber.of(((Number) o).longValue());
      case FLOAT:
        return writeFloat((Float) o);
      case DOUBLE:
        return writeDouble((Double) o);
      case BIG_INTEGER:
        return JsonNumber.of((BigInteger) o);
      case BIG_DECIMAL:
        return JsonNumber.of((BigDecimal) o);
      case JSON_VALUE:
      case JSON_OBJECT:
      case JSON_ARRAY:
        return (JsonValue) o;
      default:
        return JsonString.of(o.toString());
    }
  }

  static JsonValue writeDouble(double d) {
    if (!Double.isFinite(d)) {
      throw new BindFailure("JSON has no literal for " + d + "; use a finite number", null);
    }
    return JsonNumber.of(d);
  }

  /** Writes the shortest decimal that reads back as the same float, not the double's digits. */
  static JsonValue writeFloat(float f) {
    if (!Float.isFinite(f)) {
      throw new BindFailure("JSON has no literal for " + f + "; use a finite number", null);
    }
    if (f == 0) {
      return JsonNumber.of((double) f); // keeps -0.0, which BigDecimal cannot
    }
    return JsonNumber.of(new BigDecimal(Float.toString(f)));
  }
}
