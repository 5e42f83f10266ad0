package io.github.kimisdk.internal.platform;

import io.github.kimisdk.ListedModel;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.internal.codec.ChatCodec;
import io.github.kimisdk.json.JsonReader;
import io.github.kimisdk.json.JsonToken;
import io.github.kimisdk.json.JsonWriter;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes the bodies of Kimi's model list and token-count endpoints. */
public final class PlatformCodec {

  private static final JsonReader.Names LIST = JsonReader.Names.of("data");
  private static final JsonReader.Names MODEL =
      JsonReader.Names.of(
          "id",
          "owned_by",
          "created",
          "context_length",
          "supports_reasoning",
          "supports_image_in",
          "supports_video_in",
          "display_name",
          "supports_tool_use",
          "supports_thinking_type",
          "think_efforts",
          "support_efforts",
          "default_effort",
          "protocol");
  private static final JsonReader.Names EFFORTS =
      JsonReader.Names.of("support", "valid_efforts", "default_effort");
  private static final JsonReader.Names COUNT = JsonReader.Names.of("total_tokens");

  private PlatformCodec() {}

  /**
   * Decodes {@code {"object":"list","data":[...]}}; entries without an {@code id} are skipped.
   *
   * @param b the body
   * @return the models, in the server's order
   */
  public static List<ListedModel> decodeModels(byte[] b) {
    JsonReader r = JsonReader.of(b);
    List<ListedModel> out = new ArrayList<>();
    r.beginObject();
    while (r.hasNext()) {
      if (r.selectName(LIST) == 0 && r.peek() == JsonToken.BEGIN_ARRAY) {
        r.beginArray();
        while (r.hasNext()) {
          ListedModel m = readModel(r);
          if (m != null) {
            out.add(m);
          }
        }
        r.endArray();
      } else {
        r.skipValue();
      }
    }
    r.endObject();
    r.endDocument();
    return out;
  }

  private static ListedModel readModel(JsonReader r) {
    if (r.peek() != JsonToken.BEGIN_OBJECT) {
      r.skipValue();
      return null;
    }
    String id = null;
    String ownedBy = null;
    String displayName = null;
    long created = 0;
    Integer context = null;
    Boolean reasoning = null;
    Boolean image = null;
    Boolean video = null;
    Boolean toolUse = null;
    String thinkingType = null;
    List<String> thinkEfforts = null; // from think_efforts, when its support is true
    String thinkDefault = null;
    List<String> flatEfforts = null; // the older flat support_efforts
    String flatDefault = null;
    String protocol = null;
    r.beginObject();
    while (r.hasNext()) {
      int field = r.selectName(MODEL);
      if (field >= 0 && r.nextIfNull()) {
        continue;
      }
      switch (field) {
        case 0 -> id = r.nextString();
        case 1 -> ownedBy = string(r);
        case 2 -> created = r.peek() == JsonToken.NUMBER ? r.nextLong() : skip(r, 0L);
        case 3 ->
            context =
                r.peek() == JsonToken.NUMBER
                    ? (int) Math.min(Integer.MAX_VALUE, r.nextLong())
                    : skip(r, null);
        case 4 -> reasoning = bool(r);
        case 5 -> image = bool(r);
        case 6 -> video = bool(r);
        case 7 -> displayName = string(r);
        case 8 -> toolUse = bool(r);
        case 9 -> thinkingType = string(r);
        case 10 -> {
          if (r.peek() != JsonToken.BEGIN_OBJECT) {
            r.skipValue();
            break;
          }
          boolean support = false;
          List<String> valid = null;
          String def = null;
          r.beginObject();
          while (r.hasNext()) {
            int f = r.selectName(EFFORTS);
            if (f >= 0 && r.nextIfNull()) {
              continue;
            }
            switch (f) {
              case 0 -> support = Boolean.TRUE.equals(bool(r));
              case 1 -> valid = strings(r);
              case 2 -> def = string(r);
              default -> r.skipValue();
            }
          }
          r.endObject();
          if (support) {
            thinkEfforts = valid == null ? List.of() : valid;
            thinkDefault = def;
          }
        }
        case 11 -> flatEfforts = strings(r);
        case 12 -> flatDefault = string(r);
        case 13 -> protocol = string(r);
        default -> r.skipValue();
      }
    }
    r.endObject();
    if (id == null) {
      return null;
    }
    boolean nested = thinkEfforts != null;
    return new ListedModel(
        id,
        ownedBy,
        created,
        context,
        reasoning,
        image,
        video,
        displayName,
        toolUse,
        thinkingType,
        nested ? thinkEfforts : flatEfforts,
        nested ? thinkDefault : flatDefault,
        protocol);
  }

  // Capability fields are read leniently: a value of an unexpected type counts as absent.

  private static Boolean bool(JsonReader r) {
    return r.peek() == JsonToken.BOOLEAN ? r.nextBoolean() : skip(r, null);
  }

  private static String string(JsonReader r) {
    return r.peek() == JsonToken.STRING ? r.nextString() : skip(r, null);
  }

  private static List<String> strings(JsonReader r) {
    if (r.peek() != JsonToken.BEGIN_ARRAY) {
      return skip(r, null);
    }
    List<String> out = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      String s = string(r);
      if (s != null && !s.isBlank() && !out.contains(s)) {
        out.add(s);
      }
    }
    r.endArray();
    return out;
  }

  private static <T> T skip(JsonReader r, T value) {
    r.skipValue();
    return value;
  }

  /**
   * Encodes the token-count request: {@code model} and {@code messages}, the fields Moonshot
   * documents for {@code POST /tokenizers/estimate-token-count}.
   *
   * @param request the chat request whose prompt is counted
   * @return the body
   */
  public static byte[] encodeCountRequest(ChatRequest request) {
    JsonWriter w = new JsonWriter();
    w.beginObject().name("model").value(request.model()).name("messages").beginArray();
    for (Message m : request.messages()) {
      ChatCodec.writeMessage(w, m);
    }
    return w.endArray().endObject().toByteArray();
  }

  /**
   * Decodes {@code {"data":{"total_tokens":N}}}.
   *
   * @param b the body
   * @return N
   * @throws IllegalArgumentException if the body has no {@code data.total_tokens}
   */
  public static int decodeCount(byte[] b) {
    JsonReader r = JsonReader.of(b);
    long total = -1;
    r.beginObject();
    while (r.hasNext()) {
      if (r.selectName(LIST) == 0 && r.peek() == JsonToken.BEGIN_OBJECT) {
        r.beginObject();
        while (r.hasNext()) {
          if (r.selectName(COUNT) == 0 && r.peek() == JsonToken.NUMBER) {
            total = r.nextLong();
          } else {
            r.skipValue();
          }
        }
        r.endObject();
      } else {
        r.skipValue();
      }
    }
    r.endObject();
    r.endDocument();
    if (total < 0 || total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("no data.total_tokens in the token count response");
    }
    return (int) total;
  }
}
