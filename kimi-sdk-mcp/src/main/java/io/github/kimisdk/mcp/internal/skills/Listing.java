package io.github.kimisdk.mcp.internal.skills;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpSkill;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A server's {@code skills/list} answers read to their bounds, a {@code resources/read} answer's
 * bytes, and those bytes checked against a skill's listing: size first, then SHA-256 digest.
 */
public final class Listing {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /** The most pages of {@code skills/list} read. */
  public static final int MAX_PAGES = 100;

  /** The most skills kept of one listing. */
  public static final int MAX_SKILLS = 10_000;

  /** The most files of one skill (the extension's own limit). */
  public static final int MAX_RESOURCES = 512;

  private Listing() {}

  /**
   * Adds the skills of one {@code skills/list} result to {@code into}, leaving out (with a warning)
   * those that break the extension's rules.
   *
   * @return the next page's cursor, or null when this is the last (or {@code into} is full)
   */
  public static String page(String server, JsonValue result, List<McpSkill> into) {
    JsonObject r = result instanceof JsonObject o ? o : JsonObject.of();
    if (r.get("skills") instanceof JsonArray a) {
      for (JsonValue e : a.values()) {
        if (into.size() >= MAX_SKILLS) {
          return null;
        }
        McpSkill s = entry(e);
        if (s == null) {
          LOG.log(
              Level.WARNING,
              () ->
                  "MCP server "
                      + server
                      + ": a skill entry breaks the skills extension's rules,"
                      + " left out: "
                      + shown(String.valueOf(e)));
        } else {
          into.add(s);
        }
      }
    }
    String next = Fields.string(r, "nextCursor");
    return next == null || next.isEmpty() ? null : next;
  }

  private static McpSkill entry(JsonValue e) {
    if (!(e instanceof JsonObject o)
        || Fields.string(o, "uri") == null
        || !(o.get("frontmatter") instanceof JsonObject front)) {
      return null;
    }
    JsonValue res = o.get("resources");
    if (res instanceof JsonString s && s.value().equals("dynamic")) {
      return new McpSkill(Fields.string(o, "uri"), front, List.of(), true);
    }
    if (!(res instanceof JsonArray files) || files.values().size() > MAX_RESOURCES) {
      return null;
    }
    List<McpSkill.Resource> out = new ArrayList<>();
    for (JsonValue f : files.values()) {
      if (!(f instanceof JsonObject fo)
          || Fields.string(fo, "uri") == null
          || Fields.string(fo, "digest") == null
          || !DIGEST.matcher(Fields.string(fo, "digest")).matches()
          || !(fo.get("size") instanceof JsonNumber n)
          || n.doubleValue() < 0
          || n.doubleValue() > 0x1p53 // beyond any file a skill may hold, and a long's exact range
          || n.doubleValue() != Math.rint(n.doubleValue())) {
        return null;
      }
      out.add(
          new McpSkill.Resource(
              Fields.string(fo, "uri"), Fields.string(fo, "digest"), n.longValue()));
    }
    return new McpSkill(Fields.string(o, "uri"), front, out, false);
  }

  /** The listed file {@code uri} of {@code skill}, or null. */
  public static McpSkill.Resource resource(McpSkill skill, String uri) {
    for (McpSkill.Resource r : skill.resources()) {
      if (r.uri().equals(uri)) {
        return r;
      }
    }
    return null;
  }

  /** Whether {@code uri} is in the directory of {@code skill}'s {@code SKILL.md}, not above it. */
  public static boolean within(McpSkill skill, String uri) {
    int slash = skill.uri().lastIndexOf('/');
    String dir = skill.uri().substring(0, slash + 1);
    return slash > 0 && uri.startsWith(dir) && !uri.contains("/../") && !uri.endsWith("/..");
  }

  /**
   * The bytes of {@code uri} in a {@code resources/read} result: its text as UTF-8, or its blob
   * decoded; null when it holds none.
   */
  public static byte[] content(JsonValue result, String uri) {
    if (!(result instanceof JsonObject r) || !(r.get("contents") instanceof JsonArray a)) {
      return null;
    }
    for (JsonValue v : a.values()) {
      if (v instanceof JsonObject c && uri.equals(Fields.string(c, "uri"))) {
        String text = Fields.string(c, "text");
        if (text != null) {
          return text.getBytes(StandardCharsets.UTF_8);
        }
        String blob = Fields.string(c, "blob");
        try {
          return blob == null ? null : Base64.getDecoder().decode(blob);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** Why {@code content} is not the file {@code listed} says, or null when it is. */
  public static String check(byte[] content, McpSkill.Resource listed) {
    if (content.length != listed.size()) {
      return "size: " + content.length + " bytes, not the " + listed.size() + " listed";
    }
    String digest = "sha256:" + HexFormat.of().formatHex(sha256(content));
    return digest.equals(listed.digest()) ? null : "digest: not the one listed";
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** A server's text as it may enter a message: cut, and its control characters escaped. */
  public static String shown(String serverText) {
    String cut = ServerText.cut(serverText);
    StringBuilder s = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        s.append(String.format("\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }
}
