package io.github.kimisdk.examples;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Sends a local image as a {@code data:} URL and asks what it shows. With a file argument it sends
 * that file; without one it draws a small PNG in code (a red square on white) so it needs nothing
 * on disk.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.Vision
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.Vision -Dexec.args=photo.jpg
 * </pre>
 */
public final class Vision {

  static final String QUESTION = "What shape and colour do you see? Answer in one sentence.";

  private Vision() {}

  /**
   * Runs the example.
   *
   * @param args an image file (optional)
   */
  public static void main(String[] args) {
    ExampleSession.exit(
        run(args.length == 0 ? null : Path.of(args[0]), System.getenv(), System.out));
  }

  static int run(Path file, Map<String, String> env, PrintStream out) {
    ContentPart.ImagePart image;
    if (file == null) {
      byte[] png = redSquarePng(32);
      out.println("Drew a 32x32 PNG in memory (" + png.length + " bytes): a red square on white.");
      image = ContentPart.image(png, "image/png");
    } else {
      String problem = ExampleSession.unreadable(file);
      if (problem != null) {
        out.println(problem);
        return 2;
      }
      out.println("Sending " + file + ".");
      image = ContentPart.image(file);
    }
    try (ExampleSession session = ExampleSession.open(env, out, ExampleSession.DEFAULT_MODEL)) {
      out.println("> " + QUESTION + " [image]");
      ChatRequest request =
          ChatRequest.builder(session.model())
              .addMessage(Message.user(QUESTION, image))
              .thinking(ExampleSession.thinkingOffWherePossible(session.model()))
              .build();
      try {
        ChatCompletion done = session.kimi().chat(request);
        out.println(done.text());
        if (session.isOffline()) {
          // The fake cannot see; show what went over the wire instead.
          RecordedRequest sent = session.server().takeRequest();
          out.println("[sent] " + sentImage(sent.json()));
        }
        out.println(ExampleSession.usageLine(done.usage()));
        return 0;
      } catch (KimiException e) {
        out.println("Kimi call failed: " + e.getMessage());
        return 1;
      }
    }
  }

  /**
   * The image part of the last message, as chat completions, Anthropic Messages or Responses send
   * it.
   */
  private static String sentImage(JsonValue body) {
    JsonArray messages = (JsonArray) ((JsonObject) body).get("messages");
    if (messages == null) { // Responses: input items, the image an input_image part
      messages = (JsonArray) ((JsonObject) body).get("input");
      JsonObject last = (JsonObject) messages.get(messages.size() - 1);
      for (JsonValue part : (JsonArray) last.get("content")) {
        if (part instanceof JsonObject p && p.get("image_url") instanceof JsonString url) {
          return "input_image " + abbreviate(url.value());
        }
      }
      return "no image part";
    }
    JsonObject last = (JsonObject) messages.get(messages.size() - 1);
    for (JsonValue part : (JsonArray) last.get("content")) {
      if (part instanceof JsonObject p && p.get("image_url") instanceof JsonObject url) {
        return "image_url " + abbreviate(((JsonString) url.get("url")).value());
      }
      if (part instanceof JsonObject p && p.get("source") instanceof JsonObject source) {
        return "image source "
            + source.get("type").asString()
            + " "
            + source.get("media_type").asString()
            + " "
            + abbreviate(source.get("data").asString());
      }
    }
    return "no image part";
  }

  static String abbreviate(String url) {
    return url.length() <= 48
        ? url
        : url.substring(0, 40) + "... (" + url.length() + " characters)";
  }

  /** Encodes a size x size RGB PNG: white with a red square in the middle half. */
  static byte[] redSquarePng(int size) {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (int y = 0; y < size; y++) {
      raw.write(0); // filter: none
      for (int x = 0; x < size; x++) {
        boolean inside = x >= size / 4 && x < size * 3 / 4 && y >= size / 4 && y < size * 3 / 4;
        raw.write(255);
        raw.write(inside ? 0 : 255);
        raw.write(inside ? 0 : 255);
      }
    }
    try {
      ByteArrayOutputStream idat = new ByteArrayOutputStream();
      try (DeflaterOutputStream z = new DeflaterOutputStream(idat)) {
        raw.writeTo(z);
      }
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      byte[] ihdr = new byte[13];
      putInt(ihdr, 0, size);
      putInt(ihdr, 4, size);
      ihdr[8] = 8; // bit depth
      ihdr[9] = 2; // colour type: RGB
      chunk(png, "IHDR", ihdr);
      chunk(png, "IDAT", idat.toByteArray());
      chunk(png, "IEND", new byte[0]);
      return png.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data)
      throws IOException {
    byte[] len = new byte[4];
    putInt(len, 0, data.length);
    out.write(len);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    byte[] c = new byte[4];
    putInt(c, 0, (int) crc.getValue());
    out.write(c);
  }

  private static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }
}
