package io.github.kimisdk.json;

import io.github.kimisdk.base.bind.BindFailure;
import io.github.kimisdk.base.bind.Binding;
import java.util.Objects;

/**
 * Parses and writes JSON (RFC 8259) as {@link JsonValue} trees.
 *
 * <pre>{@code
 * JsonValue v = Json.parse("{\"choices\":[{\"message\":{\"content\":\"hi\"}}]}");
 * v.get("choices").get(0).get("message").get("content").asString();   // "hi"
 * Json.write(v);                                                       // compact text
 * }</pre>
 *
 * <h2>What the parser accepts</h2>
 *
 * <p>Exactly one JSON value, with optional whitespace (space, tab, line feed, carriage return)
 * around it, and nothing else. Everything RFC 8259 leaves out is an error: trailing commas,
 * comments, single quotes, unquoted names, {@code NaN} and {@code Infinity}, leading zeros, {@code
 * +1}, {@code 1.} and {@code .1}, unescaped control characters (U+0000 to U+001F) in strings,
 * escapes other than the nine the RFC lists, and any data after the value. Choices where the RFC
 * leaves room:
 *
 * <ul>
 *   <li><b>Encoding.</b> Byte input must be well-formed UTF-8 (RFC 3629): overlong forms,
 *       surrogates encoded in UTF-8, code points above U+10FFFF, stray continuation bytes and
 *       truncated sequences are errors. {@code String} input must not hold unpaired surrogate
 *       chars.
 *   <li><b>Byte order mark.</b> One leading UTF-8 BOM in byte input, or U+FEFF at the start of
 *       {@code String} input, is ignored. A document that is only a BOM is empty, so an error.
 *   <li><b>Lone surrogate escapes.</b> An escape such as <code>"&#92;ud800"</code> that does not
 *       form a pair is accepted and kept as that lone char. The writer escapes it again as <code>
 *       &#92;ud800</code>, so output stays valid UTF-8 and writing is stable.
 *   <li><b>Duplicate names.</b> The last value wins, and the member keeps the position where its
 *       name first appeared.
 *   <li><b>Numbers.</b> Any number the grammar allows is accepted, however large, small or long;
 *       {@link JsonNumber} keeps its literal and converts on request, failing clearly on overflow.
 *   <li><b>Nesting.</b> At most {@link JsonReader#DEFAULT_MAX_DEPTH} nested arrays and objects
 *       (settable with {@link #parse(byte[], int, int, int)}); deeper input is a {@link
 *       JsonException}, never a {@code StackOverflowError}: parsing does not recurse.
 *   <li><b>Size.</b> Input is already in memory, so there is no size limit here; limit the size
 *       where the bytes are read (the HTTP client does).
 * </ul>
 *
 * <p>Every failure is a {@link JsonException} with the line, column, offset (bytes for byte input,
 * chars for {@code String} input) and JSON path where parsing stopped. Messages quote at most one
 * character of the input; the path names members (each shortened to 24 chars), and a failed number
 * conversion quotes the literal (shortened to 20 digits). String values are never quoted, because a
 * body can hold secrets.
 *
 * <h2>The tree</h2>
 *
 * <p>Values are immutable and safe to share between threads. {@code equals} compares by value:
 * objects as maps (member order does not matter), arrays element by element, and numbers by numeric
 * value ({@code 1}, {@code 1.0} and {@code 1e0} are equal; see {@link JsonNumber}). {@code
 * toString} prints compact JSON.
 *
 * <h2>What the writer produces</h2>
 *
 * <p>UTF-8 JSON that this parser, and any other, reads back to an equal tree; {@link JsonWriter}
 * lists the escapes. Numbers are written as their literals. Writing is stable: {@code
 * write(parse(write(v)))} equals {@code write(v)}. Writing does not recurse, so any tree can be
 * written; {@code equals} and {@code hashCode} of the tree do recurse, so trees nested tens of
 * thousands deep (which the parser builds only with a raised depth limit) can overflow the stack
 * there.
 *
 * <h2>Records and other Java types</h2>
 *
 * <p>{@link #bind(JsonValue, Class)} turns a tree into a record (or any type below), and {@link
 * #toJson(Object)} does the reverse:
 *
 * <pre>{@code
 * record Weather(String city, double temperature, List<String> warnings) {}
 * Weather w = Json.bind(Json.parse("{\"city\":\"Paris\",\"temperature\":21.5,\"warnings\":[]}"),
 *     Weather.class);
 * JsonValue back = Json.toJson(w);   // {"city":"Paris","temperature":21.5,"warnings":[]}
 * }</pre>
 *
 * <table>
 *   <caption>How Java types map to JSON</caption>
 *   <tr><th>Java</th><th>JSON</th></tr>
 *   <tr><td>record</td><td>object, one member per component, named as the component</td></tr>
 *   <tr><td>sealed interface whose permitted subtypes are records (or sealed interfaces of
 *       records)</td><td>object with a discriminator member {@code "type"} holding the record's
 *       simple name, such as {@code {"type":"Circle","radius":2}}; every such record writes it</td>
 *   </tr>
 *   <tr><td>enum</td><td>string: the constant's {@code name()}</td></tr>
 *   <tr><td>{@code String}</td><td>string</td></tr>
 *   <tr><td>{@code boolean}, {@code Boolean}</td><td>{@code true} or {@code false}</td></tr>
 *   <tr><td>{@code byte}, {@code short}, {@code int}, {@code long} (and boxed), {@code
 *       BigInteger}</td><td>number with an integral value that fits the type</td></tr>
 *   <tr><td>{@code float}, {@code double} (and boxed), {@code BigDecimal}</td><td>number</td></tr>
 *   <tr><td>{@code Instant}, {@code OffsetDateTime}, {@code ZonedDateTime}, {@code
 *       LocalDateTime}, {@code LocalDate}, {@code LocalTime}, {@code YearMonth}, {@code
 *       Duration}, {@code Period}</td><td>string in ISO 8601, as the type's {@code toString()}
 *       writes it and its {@code parse} reads it</td></tr>
 *   <tr><td>{@code List<T>}, {@code Collection<T>}, {@code Set<T>}, {@code T[]} (also primitive
 *       arrays but {@code char[]})</td><td>array</td></tr>
 *   <tr><td>{@code Map<String, T>}</td><td>object with any member names</td></tr>
 *   <tr><td>{@code JsonValue}, {@code JsonObject}, {@code JsonArray}</td><td>the value as
 *       is</td></tr>
 *   <tr><td>{@code Optional<T>}, {@code OptionalInt}, {@code OptionalLong}, {@code
 *       OptionalDouble}, as a record component</td><td>the member, or no member when
 *       empty</td></tr>
 * </table>
 *
 * <p>A component is required (its member must be there) unless it is an {@code Optional} or marked
 * {@link JsonOptional}. A JSON {@code null} binds to a Java {@code null} wherever Java can hold
 * one, so that {@code bind(toJson(x))} equals {@code x}; {@link #bind(JsonValue, Class)} lists what
 * {@code null} means for each kind of component. Members the record does not declare are ignored.
 * Bound lists, sets and maps are unmodifiable and keep the JSON order. Generic records, raw
 * collections, {@code Object}, {@code char} and other types are not supported.
 *
 * <p>Records are read through {@code java.lang.reflect.RecordComponent}, and created through their
 * canonical constructor (so a compact constructor's checks apply). What is learnt about a class is
 * kept, so a class is inspected once. On the class path any record works; a record in a named
 * module must be public in an exported package, or its package must be open to {@code
 * io.github.kimisdk} ({@code opens com.example.model to io.github.kimisdk;} in its {@code
 * module-info.java}).
 */
public final class Json {
  private Json() {}

  /**
   * Parses one JSON document.
   *
   * @param json the document
   * @return the value
   * @throws JsonException if the document is malformed or nests too deeply
   */
  public static JsonValue parse(String json) {
    byte[] b = Utf8.encode(json);
    return JsonReader.parseDocument(b, 0, b.length, JsonReader.DEFAULT_MAX_DEPTH, true);
  }

  /**
   * Parses one JSON document from UTF-8 bytes.
   *
   * @param json the document
   * @return the value
   * @throws JsonException if the document is malformed, is not valid UTF-8, or nests too deeply
   */
  public static JsonValue parse(byte[] json) {
    return parse(json, 0, json.length);
  }

  /**
   * Parses one JSON document from the UTF-8 bytes in {@code b[off, off + len)}.
   *
   * @param b the bytes
   * @param off where the document starts
   * @param len the length of the document in bytes
   * @return the value
   * @throws JsonException if the document is malformed, is not valid UTF-8, or nests too deeply
   * @throws IndexOutOfBoundsException if the range is outside {@code b}
   */
  public static JsonValue parse(byte[] b, int off, int len) {
    return parse(b, off, len, JsonReader.DEFAULT_MAX_DEPTH);
  }

  /**
   * Parses one JSON document from the UTF-8 bytes in {@code b[off, off + len)}, allowing at most
   * {@code maxDepth} nested arrays and objects.
   *
   * @param b the bytes
   * @param off where the document starts
   * @param len the length of the document in bytes
   * @param maxDepth the nesting limit; 0 allows only scalar documents
   * @return the value
   * @throws JsonException if the document is malformed, is not valid UTF-8, or nests too deeply
   * @throws IndexOutOfBoundsException if the range is outside {@code b}
   * @throws IllegalArgumentException if {@code maxDepth} is negative
   */
  public static JsonValue parse(byte[] b, int off, int len, int maxDepth) {
    return JsonReader.parseDocument(b, off, len, maxDepth, false);
  }

  /**
   * Writes {@code value} as compact JSON.
   *
   * @param value the value
   * @return the JSON text
   * @throws NullPointerException if {@code value} is null; use {@link JsonNull#INSTANCE}
   */
  public static String write(JsonValue value) {
    return JsonText.write(value);
  }

  /**
   * Writes {@code value} as indented JSON, two spaces per level (see {@link JsonWriter#pretty()}).
   *
   * @param value the value
   * @return the JSON text
   * @throws NullPointerException if {@code value} is null; use {@link JsonNull#INSTANCE}
   */
  public static String writePretty(JsonValue value) {
    return JsonText.writePretty(value);
  }

  /**
   * Writes {@code value} as compact JSON in UTF-8.
   *
   * @param value the value
   * @return the UTF-8 bytes
   * @throws NullPointerException if {@code value} is null; use {@link JsonNull#INSTANCE}
   */
  public static byte[] writeBytes(JsonValue value) {
    return JsonText.writeBytes(value);
  }

  /**
   * Binds a JSON tree to a Java type, typically a record; the class comment lists the types and how
   * they map.
   *
   * <p><b>Null.</b> {@code bind(toJson(x), X.class)} equals {@code x} for every record {@code x} of
   * a supported type, {@code null}s included, because a JSON {@code null} binds to what {@link
   * #toJson(Object)} writes it for:
   *
   * <ul>
   *   <li>a component of reference type (a nested or recursive record, a sealed interface, an enum,
   *       {@code String}, a boxed number or {@code Boolean}, {@code BigInteger}, {@code
   *       BigDecimal}, a {@code java.time} value, a list, set, array or map, {@code JsonObject},
   *       {@code JsonArray}): {@code null} is written as a {@code null} member, and a {@code null}
   *       member binds to {@code null}. The member must still be there: a missing one is an error,
   *       so a forgotten member is told apart from a {@code null} one;
   *   <li>a {@link JsonOptional} component: {@code null} is written as no member, and a missing or
   *       {@code null} member binds to {@code null};
   *   <li>an {@code Optional}, {@code OptionalInt}, {@code OptionalLong} or {@code OptionalDouble}
   *       component: empty is written as no member, and a missing or {@code null} member binds to
   *       the empty optional (a component holding a {@code null} optional, which {@code Optional}'s
   *       contract rules out, is written the same and so comes back empty);
   *   <li>an element of a list, set or object array, and a value of a map: {@code null} both ways,
   *       as for a component of reference type (bound collections may hold {@code null});
   *   <li>a {@code JsonValue} component or element: a {@code null} binds to {@link
   *       JsonNull#INSTANCE}, the tree's own null (so a Java {@code null} there, written as {@code
   *       null}, comes back as {@code JsonNull.INSTANCE});
   *   <li>a primitive component or an element of a primitive array: a {@code null} is an error.
   * </ul>
   *
   * <p>A schema derived from a record ({@code JsonSchema.of}) still asks for a non-null value for
   * every required component, so a model that follows the schema sends none; binding is the more
   * lenient of the two.
   *
   * @param <T> the type
   * @param value the tree, for example from {@link #parse(String)}
   * @param type the class to bind to
   * @return the bound value; never null (a JSON {@code null} fails unless {@code type} is {@link
   *     JsonValue})
   * @throws NullPointerException if an argument is null
   * @throws JsonException if the tree does not fit {@code type}: a member is missing or has the
   *     wrong kind of value, a number does not fit, a string is not one of the enum's names, or the
   *     record's constructor rejected the values. The message names the JSON path and the record
   *     component, such as {@code "$.days[2].temperature (Day.temperature): expected a number but
   *     was a string"}, and {@link JsonException#path()} returns the path
   * @throws IllegalArgumentException if {@code type} (or a type it contains) is not supported, or
   *     its module does not let the SDK read it; the message names the component
   */
  @SuppressWarnings("unchecked")
  public static <T> T bind(JsonValue value, Class<T> type) {
    Objects.requireNonNull(value, "value must not be null (use JsonNull.INSTANCE)");
    Objects.requireNonNull(type, "type must not be null");
    try {
      return (T) Binding.bind(value, type);
    } catch (BindFailure f) {
      throw new JsonException(f.getMessage(), f.path(), f.getCause());
    }
  }

  /**
   * Turns a Java value into a JSON tree: a record, and any type {@link #bind(JsonValue, Class)}
   * takes, by its runtime class. A {@code null} becomes {@link JsonNull#INSTANCE}, an empty
   * optional too (and an empty optional or a null {@link JsonOptional} component is left out).
   *
   * @param value the value; may be null
   * @return the tree
   * @throws JsonException if a {@code double} or {@code float} is NaN or infinite, or a map has a
   *     key that is not a string; the message names the path
   * @throws IllegalArgumentException if the value's type (or a component's) is not supported, or
   *     its module does not let the SDK read it
   */
  public static JsonValue toJson(Object value) {
    try {
      return Binding.toJson(value);
    } catch (BindFailure f) {
      throw new JsonException(f.getMessage(), f.path(), f.getCause());
    }
  }
}
