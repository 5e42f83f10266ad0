package io.github.kimisdk.mcp.internal.http;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP headers of the 2026-07-28 protocol that carry values of a request: {@code Mcp-Name} and
 * the {@code Mcp-Param-*} headers a tool's schema designates with {@code x-mcp-header}, with the
 * encoding both share.
 */
public final class ParamHeaders {

  /** Where in a schema the walk for annotations stops: deeper than this is not looked at. */
  private static final int MAX_DEPTH = 64;

  /** How many schema nodes are looked at, at most, per tool. */
  private static final int MAX_NODES = 10_000;

  private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private ParamHeaders() {}

  /**
   * Returns {@code value} as a header value: as it is when it is visible ASCII and spaces with no
   * space at either end, else {@code =?base64?<base64 of its UTF-8>?=} (so is a value that looks
   * like that already).
   */
  public static String value(String value) {
    boolean safe = true; // an empty value is sent empty: the header says it is present
    int n = value.length();
    if (n > 0 && (value.charAt(0) == ' ' || value.charAt(n - 1) == ' ')) {
      safe = false;
    }
    for (int i = 0; safe && i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        safe = false;
      }
    }
    if (safe && value.startsWith("=?base64?") && value.endsWith("?=")) {
      safe = false;
    }
    return safe
        ? value
        : "=?base64?"
            + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
            + "?=";
  }

  /**
   * One designated parameter: its header name and the property path to its value.
   *
   * @param header the name after {@code Mcp-Param-}
   * @param path the property names from the arguments' root to the value
   */
  public record Param(String header, List<String> path) {}

  /**
   * Reads the {@code x-mcp-header} annotations of a tool's input schema.
   *
   * @return the designated parameters, in schema order
   * @throws IllegalArgumentException saying why, when an annotation breaks a rule of the protocol
   *     (then the tool must not be offered)
   */
  public static List<Param> params(JsonValue inputSchema) {
    List<Param> params = new ArrayList<>();
    if (!(inputSchema instanceof JsonObject root)) {
      return params;
    }
    Set<String> seen = new HashSet<>();
    // Each entry: a schema node, whether it is reached from the root through properties alone,
    // the property path to it, and its depth.
    record Node(JsonValue schema, boolean reachable, List<String> path, int depth) {}
    Deque<Node> todo = new ArrayDeque<>();
    todo.push(new Node(root, true, List.of(), 0));
    int nodes = 0;
    while (!todo.isEmpty() && nodes++ < MAX_NODES) {
      Node node = todo.pop();
      if (node.depth() > MAX_DEPTH) {
        continue;
      }
      if (node.schema() instanceof JsonArray a) {
        for (JsonValue v : a.values()) {
          todo.push(new Node(v, false, node.path(), node.depth() + 1));
        }
        continue;
      }
      if (!(node.schema() instanceof JsonObject o)) {
        continue;
      }
      JsonValue annotation = o.get("x-mcp-header");
      if (annotation != null) {
        String where = node.path().isEmpty() ? "the schema's root" : String.join(".", node.path());
        if (!node.reachable() || node.path().isEmpty()) {
          throw new IllegalArgumentException(
              "x-mcp-header on "
                  + where
                  + ", which is not reached from the root through properties alone");
        }
        if (!(annotation instanceof JsonString s) || s.value().isEmpty()) {
          throw new IllegalArgumentException("an empty x-mcp-header on " + where);
        }
        String name = s.value();
        if (!token(name)) {
          throw new IllegalArgumentException(
              "x-mcp-header \""
                  + ServerText.cut(name)
                  + "\" on "
                  + where
                  + " is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)");
        }
        if (!seen.add(name.toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException("x-mcp-header \"" + name + "\" is used twice");
        }
        String type = Fields.string(o, "type");
        if (!("string".equals(type) || "integer".equals(type) || "boolean".equals(type))) {
          throw new IllegalArgumentException(
              "x-mcp-header \""
                  + name
                  + "\" is on "
                  + where
                  + ", which is not of type string, integer or boolean");
        }
        params.add(new Param(name, node.path()));
      }
      // Children in reverse, so that the stack pops them in schema order.
      List<Map.Entry<String, JsonValue>> members = new ArrayList<>(o.members().entrySet());
      for (int i = members.size() - 1; i >= 0; i--) {
        Map.Entry<String, JsonValue> m = members.get(i);
        if (m.getKey().equals("properties") && m.getValue() instanceof JsonObject props) {
          // A property is reachable when its object is: the root, or a property reached so; an
          // object reached otherwise (under items, anyOf, $defs, ...) has properties that are not.
          List<Map.Entry<String, JsonValue>> ps = new ArrayList<>(props.members().entrySet());
          for (int j = ps.size() - 1; j >= 0; j--) {
            List<String> path = new ArrayList<>(node.path());
            path.add(ps.get(j).getKey());
            todo.push(
                new Node(
                    ps.get(j).getValue(), node.reachable(), List.copyOf(path), node.depth() + 2));
          }
        } else if (m.getValue() instanceof JsonObject || m.getValue() instanceof JsonArray) {
          todo.push(new Node(m.getValue(), false, node.path(), node.depth() + 1));
        }
      }
    }
    // Parameters in schema order, the order the properties were declared.
    return params;
  }

  /** RFC 9110 token characters. */
  private static boolean token(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  /**
   * Returns the {@code Mcp-Param-*} headers of a call: each designated parameter present in the
   * arguments and not null, encoded.
   */
  public static Map<String, String> values(List<Param> params, JsonObject arguments) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Param p : params) {
      JsonValue v = arguments;
      for (String step : p.path()) {
        v = v instanceof JsonObject o ? o.get(step) : null;
      }
      String text = null;
      if (v instanceof JsonString s) {
        text = s.value();
      } else if (v instanceof JsonBoolean b) {
        text = String.valueOf(b.value());
      } else if (v instanceof JsonNumber n) {
        double d = n.doubleValue();
        if (d == Math.rint(d) && Math.abs(d) <= MAX_SAFE_INTEGER) {
          text = Long.toString((long) d);
        }
      }
      if (text != null) {
        headers.put("Mcp-Param-" + p.header(), value(text));
      }
    }
    return headers;
  }
}
