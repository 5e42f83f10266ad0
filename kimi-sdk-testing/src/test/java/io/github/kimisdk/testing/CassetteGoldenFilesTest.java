package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.tool.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden cassettes ({@code src/test/resources/cassettes/}, listed in its README), written once
 * and read forever: every file is an exchange this release reads, and the session of version 1
 * replays to {@link io.github.kimisdk.KimiClient} as it was recorded, byte for byte.
 */
class CassetteGoldenFilesTest {

  static final Path GOLDEN = Path.of("src/test/resources/cassettes");

  @Test
  void everyGoldenFileIsAnExchangeThisReleaseReads() throws Exception {
    List<Path> cassettes;
    try (Stream<Path> all = Files.list(GOLDEN)) {
      cassettes = all.filter(Files::isDirectory).sorted().toList();
    }
    assertThat(cassettes).extracting(p -> p.getFileName().toString()).contains("session-v1");
    for (Path c : cassettes) {
      List<Path> files = CassetteFormat.files(c);
      assertThat(files).as(c.toString()).isNotEmpty();
      for (Path f : files) {
        JsonObject json = Json.parse(Files.readAllBytes(f)).asObject();
        assertThat(json.get("format").asString()).isEqualTo(Cassette.FORMAT);
        assertThat(json.get("version").asInt()).isBetween(1, Cassette.VERSION);
        CassetteFormat.read(f); // every member as this release reads it
      }
      assertThat(new FakeKimiServer().cassette(Cassette.replay(c)).deck().size())
          .isEqualTo(files.size());
    }
  }

  @Test
  void theVersion1SessionReplaysAsItWasRecorded(@TempDir Path dir) throws Exception {
    Path cassette = GOLDEN.resolve("session-v1");
    Path upload = Files.writeString(dir.resolve("notes.txt"), "Moonlight Bakery opens at 7.\n");
    CassetteRecordReplayHttpTest.Session replayed;
    try (FakeKimiServer replayer =
        new FakeKimiServer().cassette(Cassette.replay(cassette)).start()) {
      replayed = CassetteRecordReplayHttpTest.session(replayer, "sk-golden-replay", upload);
      assertThat(replayer.requests()).extracting(RecordedRequest::status).containsOnly(200);
    }
    ChatCompletion called = (ChatCompletion) replayed.results().get(0);
    assertThat(called.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather");
    assertThat(called.toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(((ChatCompletion) replayed.results().get(1)).text())
        .isEqualTo("From the tools: get_weather says sunny.");
    assertThat(((ChatCompletion) replayed.results().get(2)).text())
        .isEqualTo("You said: Stream over Messages");
    assertThat(((ChatCompletion) replayed.results().get(3)).text())
        .isEqualTo("You said: Stream over Responses");
    FileObject file = (FileObject) replayed.results().get(4);
    assertThat(file.filename()).isEqualTo("notes.txt");
    assertThat(file.bytes()).isEqualTo(29);
    List<Path> files = CassetteFormat.files(cassette);
    assertThat(replayed.bodies()).hasSameSizeAs(files);
    for (int i = 0; i < files.size(); i++) {
      assertThat(replayed.bodies().get(i))
          .as(files.get(i).toString())
          .isEqualTo(CassetteFormat.read(files.get(i)).body());
    }
  }
}
