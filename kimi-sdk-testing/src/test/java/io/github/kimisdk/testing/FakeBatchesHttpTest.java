package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fake's batch API at scale and over time: inputs of 100,000 lines streamed to and from disk,
 * batches that run on the server's clock, lines that fail, cancel, expiry and the list's pages.
 */
class FakeBatchesHttpTest {

  @TempDir Path dir;

  final FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:00Z"));
  final FakeKimiServer server = new FakeKimiServer(clock).start();
  final KimiClient kimi = KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build();
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    kimi.close();
    server.close();
  }

  /** A batch input of {@code n} chat requests, written to disk a line at a time. */
  Path input(int n) throws IOException {
    Path f = dir.resolve("input-" + n + ".jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      for (int i = 0; i < n; i++) {
        w.write(
            "{\"custom_id\":\"line-"
                + i
                + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
                + "\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"Classify line "
                + i
                + " of the table of inputs, which is long enough to be realistic\"}]}}\n");
      }
    }
    return f;
  }

  JsonObject create(String fileId, String window) {
    JsonValue body =
        Json.parse(
            "{\"input_file_id\":\""
                + fileId
                + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\""
                + window
                + "\",\"metadata\":{\"job\":\"t\"}}");
    return (JsonObject) kimi.request("POST", "batches", body).value();
  }

  /** Uploads an input of {@code lines} lines and creates a batch of it; returns the batch's id. */
  String createdId(int lines, String window) throws IOException {
    return create(kimi.files().upload(input(lines), FilePurpose.BATCH).id(), window)
        .get("id")
        .asString();
  }

  JsonObject get(String batchId) {
    return (JsonObject) kimi.request("GET", "batches/" + batchId, null).value();
  }

  static long count(JsonObject batch, String member) {
    return batch.get("request_counts").get(member).asLong();
  }

  @Test
  void anInputOfAHundredThousandLinesIsStreamedToDiskAndEveryLineAnswered() throws Exception {
    // the lines are answered by a responder, as any chat request can be: the model's own answers
    // are the other tests'; this one is about size
    server.respondWith(
        r ->
            r.path().equals("/v1/chat/completions")
                ? FakeResponse.json(
                    "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":"
                        + "\"kimi-k2.6\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                        + "\"assistant\",\"content\":\"positive\"},\"finish_reason\":\"stop\"}]}")
                : null);
    Path in = input(100_000);
    assertThat(Files.size(in)).isGreaterThan(FakePlatform.IN_MEMORY);
    FileObject file = kimi.files().upload(in, FilePurpose.BATCH);
    RecordedRequest upload = server.takeRequest();
    assertThat(upload.size()).isGreaterThan(Files.size(in));
    assertThat(upload.spool()).as("the upload's body went to disk").isNotNull();
    assertThat(file.bytes()).isEqualTo(Files.size(in));

    JsonObject batch = create(file.id(), "24h");
    assertThat(batch.get("status").asString()).isEqualTo("completed");
    assertThat(count(batch, "total")).isEqualTo(100_000);
    assertThat(count(batch, "completed")).isEqualTo(100_000);
    assertThat(count(batch, "failed")).isZero();

    Path output = dir.resolve("output.jsonl");
    String outputId = batch.get("output_file_id").asString();
    HttpResponse<Path> got =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/files/" + outputId + "/content"))
                .header("Authorization", "Bearer k")
                .build(),
            HttpResponse.BodyHandlers.ofFile(output));
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.headers().firstValueAsLong("Content-Length")).hasValue(Files.size(output));
    long answered = 0;
    String last = null;
    try (BufferedReader lines = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
      for (String l = lines.readLine(); l != null; l = lines.readLine()) {
        if (l.startsWith("{\"id\":") && l.contains(",\"custom_id\":\"line-" + answered + "\",")) {
          answered++;
        }
        last = l;
      }
    }
    assertThat(answered).isEqualTo(100_000);
    JsonObject line = (JsonObject) Json.parse(last);
    assertThat(line.get("response").get("status_code").asLong()).isEqualTo(200);
    assertThat(
            line.get("response")
                .get("body")
                .get("choices")
                .get(0)
                .get("message")
                .get("content")
                .asString())
        .isEqualTo("positive");
  }

  @Test
  void aBatchRunsOverItsDurationOnTheServersClock() throws IOException {
    server.batchDuration(Duration.ofHours(4));
    FileObject file = kimi.files().upload(input(100), FilePurpose.BATCH);
    JsonObject created = create(file.id(), "24h");
    assertThat(created.get("status").asString()).isEqualTo("validating");
    String id = created.get("id").asString();

    JsonObject started = get(id);
    assertThat(started.get("status").asString()).isEqualTo("in_progress");
    assertThat(count(started, "total")).isEqualTo(100);
    assertThat(count(started, "completed")).isZero();

    clock.advance(Duration.ofHours(1));
    assertThat(count(get(id), "completed")).isEqualTo(25);
    clock.advance(Duration.ofMinutes(90));
    JsonObject later = get(id);
    assertThat(later.get("status").asString()).isEqualTo("in_progress");
    assertThat(count(later, "completed")).isEqualTo(62);
    assertThat(later.get("output_file_id")).isEqualTo(io.github.kimisdk.json.JsonNull.INSTANCE);

    clock.advance(Duration.ofHours(2));
    JsonObject done = get(id);
    assertThat(done.get("status").asString()).isEqualTo("completed");
    assertThat(count(done, "completed")).isEqualTo(100);
    assertThat(done.get("completed_at").asLong()).isEqualTo(clock.instant().getEpochSecond());
    assertThat(done.get("metadata").get("job").asString()).isEqualTo("t");
    assertThat(kimi.files().content(done.get("output_file_id").asString()).text().lines())
        .hasSize(100);
  }

  @Test
  void everyNthLineFailsIntoTheErrorFile() throws IOException {
    server.batchLineFailures(10);
    Batch batch = kimi.batches().get(createdId(35, "24h"));
    assertThat(batch.completed()).isEqualTo(32);
    assertThat(batch.failed()).isEqualTo(3);
    List<String> errors = kimi.files().content(batch.errorFileId()).text().lines().toList();
    assertThat(errors).hasSize(3);
    JsonObject first = (JsonObject) Json.parse(errors.get(0));
    assertThat(first.get("custom_id").asString()).isEqualTo("line-9");
    assertThat(first.get("response").get("status_code").asLong()).isEqualTo(500);
    assertThat(first.get("response").get("body").get("error").get("type").asString())
        .isEqualTo("server_error");
  }

  @Test
  void cancelMakesARunningBatchCancellingThenCancelledWithWhatItAnswered() throws IOException {
    server.batchDuration(Duration.ofHours(2));
    String id = createdId(40, "24h");
    clock.advance(Duration.ofMinutes(30));
    Batch cancelling = kimi.batches().cancel(id);
    assertThat(cancelling.status()).isEqualTo("cancelling");
    assertThat(cancelling.completed()).isEqualTo(10);
    clock.advance(Duration.ofHours(5));
    Batch cancelled = kimi.batches().get(id);
    assertThat(cancelled.status()).isEqualTo("cancelled");
    assertThat(cancelled.completed()).isEqualTo(10);
    assertThat(kimi.files().content(cancelled.outputFileId()).text().lines()).hasSize(10);
    // a batch that ended is left as it is
    assertThat(kimi.batches().cancel(id).status()).isEqualTo("cancelled");
  }

  @Test
  void aBatchLongerThanItsWindowExpiresAtTheWindowWithWhatItAnswered() throws IOException {
    server.batchDuration(Duration.ofHours(48));
    String id = createdId(8, "12h");
    clock.advance(Duration.ofHours(13));
    JsonObject expired = get(id);
    assertThat(expired.get("status").asString()).isEqualTo("expired");
    assertThat(count(expired, "completed")).isEqualTo(2);
    assertThat(expired.get("expired_at").asLong())
        .isEqualTo(Instant.parse("2026-11-26T22:00:00Z").getEpochSecond());
  }

  @Test
  void theListPagesNewestFirstWithAfterAndLimit() throws IOException {
    String file = kimi.files().upload(input(1), FilePurpose.BATCH).id();
    for (int i = 0; i < 5; i++) {
      create(file, "24h");
    }
    JsonObject page =
        (JsonObject)
            kimi.request("GET", "batches?limit=2&after=batch_0000000000000004", null).value();
    assertThat(page.get("data").asArray().values())
        .extracting(b -> b.get("id").asString())
        .containsExactly("batch_0000000000000003", "batch_0000000000000002");
    assertThat(page.get("first_id").asString()).isEqualTo("batch_0000000000000003");
    assertThat(page.get("last_id").asString()).isEqualTo("batch_0000000000000002");
    assertThat(page.get("has_more").asBoolean()).isTrue();
    assertThat(kimi.batches().list("batch_0000000000000002", 20))
        .extracting(Batch::id)
        .containsExactly("batch_0000000000000001");
    assertThat(server.batchesCreated()).isEqualTo(5);
  }

  @Test
  void anEmptyUploadIsRefusedAsKimiRefusesIt() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.jsonl"));
    assertThatThrownBy(() -> kimi.files().upload(empty, FilePurpose.BATCH))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("File size is zero");
  }

  @Test
  void aBatchsFilesLiveOnDiskUntilDeletedOrTheServerCloses() throws IOException {
    FileObject file = kimi.files().upload(input(3), FilePurpose.BATCH);
    Batch batch = kimi.batches().get(create(file.id(), "24h").get("id").asString());
    assertThat(kimi.files().delete(batch.outputFileId())).isTrue();
    assertThat(kimi.files().list()).extracting(FileObject::id).containsExactly(file.id());
  }
}
