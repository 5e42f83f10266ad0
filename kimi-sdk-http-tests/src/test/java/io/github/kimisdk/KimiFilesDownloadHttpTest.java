package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.errors.ResponseTooLargeException;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file's content downloaded to disk as it arrives (what a batch run fetches its results with):
 * written whole, bounded, and an error answer mapped as any call's.
 */
@ExtendWith(FakeKimiExtension.class)
class KimiFilesDownloadHttpTest {

  @TempDir Path dir;

  FakeKimiServer server;
  KimiFiles files;

  @BeforeEach
  void start(FakeKimiServer server, KimiClient kimi) {
    this.server = server;
    files = kimi.files();
  }

  @Test
  void aFilesContentIsWrittenToDiskWhole() throws Exception {
    String body = "line\n".repeat(100_000);
    server.enqueue(FakeResponse.body(200, "application/octet-stream", body));
    Path target = dir.resolve("out.jsonl");
    long written = files.download("file-1", target, 1 << 20);
    assertThat(written).isEqualTo(body.length());
    assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo(body);
    assertThat(server.takeRequest().path()).isEqualTo("/v1/files/file-1/content");
  }

  @Test
  void aBodyOverTheLimitIsAbandonedWithWhatToKnow() {
    server.enqueue(FakeResponse.body(200, "application/octet-stream", "x".repeat(5_000)));
    Path target = dir.resolve("out.jsonl");
    assertThatThrownBy(() -> files.download("f", target, 1_000))
        .isInstanceOf(ResponseTooLargeException.class)
        .hasMessageContaining("The file download exceeded 1000 bytes, more than Kimi stores");
    assertThat(target).as("what was written is removed").doesNotExist();
  }

  @Test
  void aBodyAnnouncedOverTheLimitIsRefusedBeforeItIsRead() {
    server.enqueue(FakeResponse.body(200, "application/octet-stream", "y".repeat(2_000)));
    Path target = dir.resolve("announced.jsonl");
    assertThatThrownBy(() -> files.download("f", target, 1_999))
        .isInstanceOf(ResponseTooLargeException.class);
    assertThat(target).doesNotExist();
  }

  @Test
  void anErrorAnswerIsTheCallsError() {
    server.enqueue(
        FakeResponse.error(
            404,
            "{\"error\":{\"type\":\"resource_not_found_error\",\"message\":\"File not found\"}}"));
    assertThatThrownBy(() -> files.download("gone", dir.resolve("x"), 1_000))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("File not found");
  }

  @Test
  void aLimitBelowOneIsRefusedBeforeAnythingIsSent() {
    assertThatThrownBy(() -> files.download("f", dir.resolve("x"), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBytes must be at least 1");
    assertThat(server.requestCount()).isZero();
  }
}
