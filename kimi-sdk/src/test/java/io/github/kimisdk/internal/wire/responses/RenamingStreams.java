package io.github.kimisdk.internal.wire.responses;

import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;

/**
 * The recorded Responses streams of {@code src/test/resources/responses}, whose servers name one
 * output item by several ids: the handler's suite replays them event by event, the client's over
 * loopback.
 */
public final class RenamingStreams {

  private RenamingStreams() {}

  /**
   * The streams' file names, for {@code @MethodSource}.
   *
   * @return the names
   */
  public static Stream<String> names() {
    return Stream.of(
        "rotated-item-ids.sse",
        "renamed-final-items.sse",
        "renamed-call-id.sse",
        "id-less-final-object.sse");
  }

  /**
   * The body of the stream {@code name}, as its server sent it.
   *
   * @param name one of {@link #names()}
   * @return the body's bytes
   */
  public static byte[] body(String name) {
    try (InputStream in = RenamingStreams.class.getResourceAsStream("/responses/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
