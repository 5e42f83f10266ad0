package io.github.kimisdk.flink;

import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.Cost;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * The model's OUTPUT as the provider fills it: its physical columns from the reply (one text
 * column, or several filled from a JSON object whose schema their types give) and its metadata
 * (error, usage, cost) into the metadata columns by name, and into the physical columns the option
 * {@code metadata-columns} names, in the schema's order. Checked once, when the statement is
 * planned; immutable.
 */
final class OutputLayout implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The most characters of a reply quoted in a row's error. */
  static final int MAX_QUOTED = 200;

  /** The metadata columns the provider fills, by key. */
  enum Metadata {
    ERROR_STRING("error-string", "STRING"),
    HTTP_STATUS_CODE("http-status-code", "INT"),
    PROMPT_TOKENS("prompt-tokens", "INT or BIGINT"),
    COMPLETION_TOKENS("completion-tokens", "INT or BIGINT"),
    REASONING_TOKENS("reasoning-tokens", "INT or BIGINT"),
    CACHED_TOKENS("cached-tokens", "INT or BIGINT"),
    COST("cost", "DECIMAL or DOUBLE"),
    SERVED_BY("served-by", "INT");

    final String key;
    final String types;

    Metadata(String key, String types) {
      this.key = key;
      this.types = types;
    }

    static Metadata of(String key) {
      for (Metadata m : values()) {
        if (m.key.equals(key)) {
          return m;
        }
      }
      return null;
    }

    boolean accepts(LogicalType type) {
      LogicalTypeRoot root = type.getTypeRoot();
      return switch (this) {
        case ERROR_STRING -> type.is(LogicalTypeFamily.CHARACTER_STRING);
        case HTTP_STATUS_CODE, SERVED_BY -> root == LogicalTypeRoot.INTEGER;
        case COST -> root == LogicalTypeRoot.DECIMAL || root == LogicalTypeRoot.DOUBLE;
        default -> root == LogicalTypeRoot.INTEGER || root == LogicalTypeRoot.BIGINT;
      };
    }

    static String list() {
      StringBuilder b = new StringBuilder();
      for (Metadata m : values()) {
        b.append(b.length() == 0 ? "" : ", ").append(m.key).append(' ').append(m.types);
      }
      return b.toString();
    }
  }

  /** One column: physical (metadata null) or metadata. */
  private record Slot(String name, LogicalType type, Metadata metadata) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  @SuppressWarnings("serial") // List.copyOf: an immutable list, serializable
  private final List<Slot> slots;

  private final int physical;

  private OutputLayout(List<Slot> slots) {
    this.slots = List.copyOf(slots);
    this.physical = (int) slots.stream().filter(s -> s.metadata() == null).count();
  }

  /**
   * Checks the model's INPUT: exactly one physical column, a character string (the prompt).
   *
   * @throws ValidationException naming the columns and the fix
   */
  static void checkInput(ResolvedSchema input) {
    List<Column> columns = input.getColumns();
    if (columns.size() != 1
        || !columns.get(0).isPhysical()
        || !columns.get(0).getDataType().getLogicalType().is(LogicalTypeFamily.CHARACTER_STRING)) {
      throw new ValidationException(
          "The kimi provider takes one INPUT column of type STRING (the prompt), but the model's"
              + " INPUT is "
              + describe(columns)
              + ": declare INPUT (prompt STRING) and build the prompt in the query.");
    }
  }

  /**
   * Reads and checks the model's OUTPUT.
   *
   * @param metadataColumns the physical columns that carry metadata ({@link
   *     KimiOptions#METADATA_COLUMNS}): column name to metadata key
   * @throws ValidationException naming the column or option and the fix
   */
  static OutputLayout of(ResolvedSchema output, Map<String, String> metadataColumns) {
    for (String name : metadataColumns.keySet()) {
      if (output.getColumn(name).isEmpty()) {
        throw new ValidationException(
            "Model option 'metadata-columns' names '"
                + name
                + "', which is not a column of the model's OUTPUT "
                + describe(output.getColumns())
                + ".");
      }
    }
    List<Slot> slots = new ArrayList<>();
    for (Column c : output.getColumns()) {
      LogicalType type = c.getDataType().getLogicalType();
      String carried = metadataColumns.get(c.getName());
      if (carried != null) {
        slots.add(new Slot(c.getName(), type, carrier(c, type, carried)));
      } else if (c instanceof Column.MetadataColumn m) {
        String key = m.getMetadataKey().orElse(c.getName());
        Metadata metadata =
            metadata(
                key,
                type,
                "Unknown metadata column '" + key + "' in the model's OUTPUT",
                "Metadata column '" + key + "'");
        slots.add(new Slot(c.getName(), type, metadata));
      } else if (c.isPhysical()) {
        slots.add(new Slot(c.getName(), type, null));
      } else {
        throw new ValidationException(
            "The model's OUTPUT column '"
                + c.getName()
                + "' is computed; the kimi provider fills physical and metadata columns only.");
      }
    }
    OutputLayout layout = new OutputLayout(slots);
    if (layout.physical == 0) {
      throw new ValidationException(
          "The model's OUTPUT has no physical column"
              + (metadataColumns.isEmpty() ? "" : " but those 'metadata-columns' names")
              + ": declare one STRING column for the reply, or several columns to be filled from"
              + " a JSON reply.");
    }
    for (Slot s : layout.slots) {
      if (s.metadata() != null) {
        continue;
      }
      if (layout.physical == 1 && !s.type().is(LogicalTypeFamily.CHARACTER_STRING)) {
        throw new ValidationException(
            "The model's one OUTPUT column '"
                + s.name()
                + "' must be STRING (the reply), not "
                + s.type().asSummaryString()
                + "; to fill typed columns from a JSON reply, declare two or more.");
      }
      schemaOf(s.name(), s.type()); // throws for a type JSON cannot fill
    }
    return layout;
  }

  /** The metadata a physical column named in {@code metadata-columns} carries, checked. */
  private static Metadata carrier(Column c, LogicalType type, String key) {
    String column = "OUTPUT column '" + c.getName() + "'";
    if (!c.isPhysical()) {
      throw new ValidationException(
          "Model option 'metadata-columns' names the "
              + column
              + ", which is not a physical column: name physical columns only (a metadata"
              + " column is filled by its own key).");
    }
    Metadata metadata =
        metadata(
            key,
            type,
            "Model option 'metadata-columns' gives the "
                + column
                + " the unknown key '"
                + key
                + "'",
            "The " + column + " carries '" + key + "' (model option 'metadata-columns'), so it");
    if (!type.isNullable()) {
      throw new ValidationException(
          "The "
              + column
              + " carries '"
              + key
              + "' (model option 'metadata-columns'), which is null on some rows (an answered"
              + " row has no error; a failed call no usage): declare it without NOT NULL.");
    }
    return metadata;
  }

  /**
   * The metadata {@code key} names, for a column of {@code type}.
   *
   * @param unknown what is wrong when no metadata has that key
   * @param column the column, as the message that its type does not fit names it
   * @throws ValidationException when the key is unknown or the type does not fit
   */
  private static Metadata metadata(String key, LogicalType type, String unknown, String column) {
    Metadata metadata = Metadata.of(key);
    if (metadata == null) {
      throw new ValidationException(unknown + "; the kimi provider fills " + Metadata.list() + ".");
    }
    if (!metadata.accepts(type)) {
      throw new ValidationException(
          column + " must be " + metadata.types + ", not " + type.asSummaryString() + ".");
    }
    return metadata;
  }

  /** {@return true when the reply fills several columns from one JSON object} */
  boolean structured() {
    return physical > 1;
  }

  /** {@return the JSON schema of the reply's object, one required property per physical column} */
  JsonObject schema() {
    JsonObject.Builder properties = JsonObject.builder();
    JsonArray.Builder required = JsonArray.builder();
    for (Slot s : slots) {
      if (s.metadata() == null) {
        properties.put(s.name(), schemaOf(s.name(), s.type()));
        required.add(JsonString.of(s.name()));
      }
    }
    return JsonObject.builder()
        .put("type", "object")
        .put("properties", properties.build())
        .put("required", required.build())
        .put("additionalProperties", false)
        .build();
  }

  private static JsonObject schemaOf(String column, LogicalType type) {
    if (type.is(LogicalTypeFamily.CHARACTER_STRING)) {
      return JsonObject.of("type", JsonString.of("string"));
    }
    if (type.is(LogicalTypeRoot.BOOLEAN)) {
      return JsonObject.of("type", JsonString.of("boolean"));
    }
    if (type.is(LogicalTypeFamily.INTEGER_NUMERIC)) {
      return JsonObject.of("type", JsonString.of("integer"));
    }
    if (type.is(LogicalTypeFamily.APPROXIMATE_NUMERIC) || type.is(LogicalTypeRoot.DECIMAL)) {
      return JsonObject.of("type", JsonString.of("number"));
    }
    if (type instanceof ArrayType a) {
      return JsonObject.of(
          "type", JsonString.of("array"), "items", schemaOf(column, a.getElementType()));
    }
    throw new ValidationException(
        "The model's OUTPUT column '"
            + column
            + "' is "
            + type.asSummaryString()
            + ", which a JSON reply cannot fill: use STRING, BOOLEAN, an integer type, FLOAT,"
            + " DOUBLE, DECIMAL or an ARRAY of them.");
  }

  /**
   * Returns the row of one choice of a reply.
   *
   * @param servedBy the target that answered: 0 the model's own, N its {@code fallback.N}; null
   *     when unknown
   * @param first whether this is the call's first choice: the usage and cost columns are the call's
   *     there, and zero on the others, so that summing them adds up to what was spent
   * @throws ReplyMismatchException when a structured reply does not fit the columns
   */
  RowData success(String text, Usage usage, Cost cost, Integer servedBy, boolean first) {
    GenericRowData row = new GenericRowData(slots.size());
    JsonObject object = structured() ? parse(text) : null;
    for (int i = 0; i < slots.size(); i++) {
      Slot s = slots.get(i);
      if (s.metadata() == null) {
        row.setField(
            i,
            object == null
                ? StringData.fromString(text)
                : convert(s.name(), s.type(), object.get(s.name()), text));
        continue;
      }
      row.setField(i, s.metadata() == Metadata.SERVED_BY ? servedBy : spent(s, usage, cost, first));
    }
    return row;
  }

  /**
   * Returns the row of a failed call: the reply's columns null, the error columns filled, the usage
   * and cost columns the call's when it was answered and billed ({@code usage} not null: a reply
   * that does not fit the columns), else null, and {@code served-by} the target that answered last
   * (null when none did).
   */
  RowData failure(String error, Integer status, Usage usage, Cost cost, Integer servedBy) {
    GenericRowData row = new GenericRowData(slots.size());
    for (int i = 0; i < slots.size(); i++) {
      Slot s = slots.get(i);
      if (s.metadata() == Metadata.ERROR_STRING) {
        row.setField(i, StringData.fromString(error));
      } else if (s.metadata() == Metadata.HTTP_STATUS_CODE) {
        row.setField(i, status);
      } else if (s.metadata() == Metadata.SERVED_BY) {
        row.setField(i, servedBy);
      } else if (s.metadata() != null && usage != null) {
        row.setField(i, spent(s, usage, cost, true));
      }
    }
    return row;
  }

  /**
   * A metadata column of a call's row: the usage and cost on its first row, zero on its other rows
   * (so that summing them adds up to what was spent); no error.
   */
  private static Object spent(Slot s, Usage usage, Cost cost, boolean first) {
    Usage u = first ? usage : null;
    return switch (s.metadata()) {
      case ERROR_STRING, HTTP_STATUS_CODE, SERVED_BY -> null;
      case PROMPT_TOKENS -> count(s.type(), u == null ? 0 : u.promptTokens());
      case COMPLETION_TOKENS -> count(s.type(), u == null ? 0 : u.completionTokens());
      case REASONING_TOKENS ->
          count(s.type(), u == null || u.reasoningTokens() == null ? 0 : u.reasoningTokens());
      case CACHED_TOKENS ->
          count(s.type(), u == null || u.cachedTokens() == null ? 0 : u.cachedTokens());
      case COST ->
          cost == null && first ? null : money(s.type(), first ? cost.total() : BigDecimal.ZERO);
    };
  }

  private JsonObject parse(String text) {
    JsonValue value;
    try {
      value = Json.parse(text);
    } catch (JsonException e) {
      throw new ReplyMismatchException(
          "the reply is not the JSON object the OUTPUT columns need: " + quote(text));
    }
    if (!(value instanceof JsonObject o)) {
      throw new ReplyMismatchException(
          "the reply is not the JSON object the OUTPUT columns need: " + quote(text));
    }
    return o;
  }

  private static Object convert(String column, LogicalType type, JsonValue v, String reply) {
    if (v == null || v.isNull()) {
      if (type.isNullable()) {
        return null;
      }
      throw new ReplyMismatchException(
          "the reply has no value for the NOT NULL column '" + column + "': " + quote(reply));
    }
    try {
      if (type.is(LogicalTypeFamily.CHARACTER_STRING) && v instanceof JsonString s) {
        return StringData.fromString(s.value());
      }
      if (type.is(LogicalTypeRoot.BOOLEAN) && v instanceof JsonBoolean b) {
        return b.asBoolean();
      }
      if (v instanceof JsonNumber n) {
        switch (type.getTypeRoot()) {
          case TINYINT:
            return (byte) Math.toIntExact(whole(n));
          case SMALLINT:
            return (short) Math.toIntExact(whole(n));
          case INTEGER:
            return Math.toIntExact(whole(n));
          case BIGINT:
            return whole(n);
          case FLOAT:
            return (float) n.doubleValue();
          case DOUBLE:
            return n.doubleValue();
          case DECIMAL:
            DecimalType d = (DecimalType) type;
            DecimalData data =
                DecimalData.fromBigDecimal(n.bigDecimalValue(), d.getPrecision(), d.getScale());
            if (data != null) {
              return data;
            }
            break;
          default:
            break;
        }
      }
      if (type instanceof ArrayType a && v instanceof JsonArray array) {
        Object[] items = new Object[array.size()];
        for (int i = 0; i < items.length; i++) {
          items[i] = convert(column, a.getElementType(), array.get(i), reply);
        }
        return new GenericArrayData(items);
      }
    } catch (ArithmeticException e) {
      // out of the column's range: a mismatch, told below
    }
    throw new ReplyMismatchException(
        "the reply's value for column '"
            + column
            + "' does not fit "
            + type.asSummaryString()
            + ": "
            + quote(Json.write(v)));
  }

  private static long whole(JsonNumber n) {
    return n.bigDecimalValue().longValueExact();
  }

  private static Object count(LogicalType type, long value) {
    return type.is(LogicalTypeRoot.BIGINT) ? (Object) value : (Object) Math.toIntExact(value);
  }

  private static Object money(LogicalType type, BigDecimal amount) {
    if (type instanceof DecimalType d) {
      return DecimalData.fromBigDecimal(amount, d.getPrecision(), d.getScale());
    }
    return amount.doubleValue();
  }

  /** Quotes server text for an error: control characters escaped, at most {@link #MAX_QUOTED}. */
  static String quote(String text) {
    StringBuilder b = new StringBuilder("\"");
    escape(b, text, MAX_QUOTED);
    b.append('"');
    if (text.length() > MAX_QUOTED) {
      b.append(" (").append(text.length() - MAX_QUOTED).append(" more characters)");
    }
    return b.toString();
  }

  /** Server text for an error, unquoted: control characters escaped, at most {@code max}. */
  static String escape(String text, int max) {
    return escape(new StringBuilder(), text, max).toString();
  }

  private static StringBuilder escape(StringBuilder b, String text, int max) {
    int n = Math.min(text.length(), max);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b;
  }

  private static String describe(List<Column> columns) {
    List<String> out = new ArrayList<>();
    for (Column c : columns) {
      out.add(c.getName() + " " + c.getDataType().getLogicalType().asSummaryString());
    }
    return "(" + String.join(", ", out) + ")";
  }

  /** A reply that does not fit the OUTPUT columns: that row's error, never a crash. */
  static final class ReplyMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReplyMismatchException(String message) {
      super(message);
    }
  }
}
