package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.BatchLine;
import io.github.kimisdk.platform.BatchResult;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KimiBatchesHttpTest {

  private FakeKimiServer server;
  private KimiClient kimi;

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
    // retired: listed as a proxy would list it, for its small window and plain answers
    server.addModel(ModelCatalog.defaults().lookup("moonshot-v1-8k"));
    kimi = KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build();
  }

  @AfterEach
  void stop() {
    kimi.close();
    server.close();
  }

  @Test
  void createUploadsJsonlWithCustomIdsAndResultsMapBackToRequests() {
    List<ChatRequest> requests =
        List.of(
            ChatRequest.of("kimi-k2.6", "first"),
            ChatRequest.of("kimi-k2.6", "fail me"),
            ChatRequest.of("moonshot-v1-8k", "third"));
    server.respondWith(
        r ->
            r.path().equals("/v1/chat/completions") && r.bodyText().contains("fail me")
                ? FakeResponse.error(
                    400,
                    "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad line 2\"}}")
                : null);
    Batch batch = kimi.batches().create(requests, "24h", Map.of("job", "nightly"));

    RecordedRequest upload = server.takeRequest();
    assertThat(upload.path()).isEqualTo("/v1/files");
    String body = upload.bodyText();
    assertThat(body).contains("name=\"purpose\"\r\n\r\nbatch\r\n");
    assertThat(body).contains("filename=\"batch.jsonl\"");
    String jsonl =
        body.substring(
            body.indexOf("\r\n\r\n", body.indexOf("filename=")) + 4, body.lastIndexOf("\r\n--"));
    String[] lines = jsonl.split("\n");
    assertThat(lines).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonObject line = (JsonObject) Json.parse(lines[i]);
      assertThat(line.get("custom_id")).isEqualTo(JsonString.of("request-" + i));
      assertThat(line.get("url")).isEqualTo(JsonString.of("/v1/chat/completions"));
      assertThat(line.get("body")).isInstanceOf(JsonObject.class);
    }

    RecordedRequest create = server.takeRequest();
    assertThat(create.path()).isEqualTo("/v1/batches");
    JsonObject createBody = (JsonObject) create.json();
    assertThat(createBody.get("completion_window")).isEqualTo(JsonString.of("24h"));
    assertThat(createBody.get("endpoint")).isEqualTo(JsonString.of("/v1/chat/completions"));

    assertThat(batch.status()).isEqualTo("completed");
    assertThat(batch.isFinished()).isTrue();
    assertThat(batch.total()).isEqualTo(3);
    assertThat(batch.completed()).isEqualTo(2);
    assertThat(batch.failed()).isEqualTo(1);
    assertThat(batch.metadata()).containsEntry("job", "nightly");
    assertThat(kimi.batches().get(batch.id())).isEqualTo(batch);

    List<BatchResult> results = kimi.batches().results(batch, requests);
    assertThat(results).extracting(BatchResult::index).containsExactly(0, 1, 2);
    assertThat(results.get(0).completion().text()).isEqualTo("You said: first");
    assertThat(results.get(0).request()).isSameAs(requests.get(0));
    assertThat(results.get(1).isSuccess()).isFalse();
    assertThat(results.get(1).error().httpStatus()).isEqualTo(400);
    assertThat(results.get(1).error().type()).isEqualTo("invalid_request_error");
    assertThat(results.get(1).error().message()).isEqualTo("bad line 2");
    assertThat(results.get(2).completion().text()).isEqualTo("You said: third");
  }

  /**
   * The calls a batch of one's own works a line at a time with (kimi-sdk-batch's runner does): the
   * input line a request becomes, the file uploaded and a batch made over it, the result file
   * downloaded to disk and each of its lines read, its texts kept as a server's.
   */
  @Test
  void aBatchOfOnesOwnIsWrittenSentAndReadALineAtATime(@TempDir Path dir) throws Exception {
    ChatRequest question = ChatRequest.of("kimi-k2.6", "question");
    byte[] line = kimi.batches().inputLine("row-1", question);
    JsonObject parsed = (JsonObject) Json.parse(new String(line, StandardCharsets.UTF_8));
    assertThat(parsed.get("custom_id")).isEqualTo(JsonString.of("row-1"));
    assertThat(line[line.length - 1]).as("a line of its own").isEqualTo((byte) '\n');
    assertThat(new String(line, StandardCharsets.UTF_8))
        .as("as create writes a request, under its own id")
        .isEqualTo(
            new String(kimi.batches().inputLine("request-0", question), StandardCharsets.UTF_8)
                .replace("\"request-0\"", "\"row-1\""));
    assertThatThrownBy(() -> kimi.batches().inputLine(" ", question))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("customId");

    Path input = Files.write(dir.resolve("input.jsonl"), line);
    FileObject file = kimi.files().upload(input, "input.jsonl", FilePurpose.BATCH);
    Batch batch = kimi.batches().createFromFile(file.id(), "24h", Map.of("job", "own"));
    assertThat(batch.isFinished()).isTrue();
    assertThat(batch.metadata()).containsEntry("job", "own");
    assertThatThrownBy(() -> kimi.batches().createFromFile(file.id(), "1h", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("completionWindow");

    Path output = dir.resolve("output.jsonl");
    long bytes = kimi.files().download(batch.outputFileId(), output, 1 << 20);
    assertThat(bytes).isEqualTo(Files.size(output));
    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    BatchLine answered = kimi.batches().readLine(lines.get(0));
    assertThat(answered.customId()).isEqualTo("row-1");
    assertThat(answered.isSuccess()).isTrue();
    assertThat(answered.completion().text()).isEqualTo("You said: question");

    BatchLine failed =
        kimi.batches()
            .readLine(
                "{\"custom_id\":\"row-2\",\"response\":{\"status_code\":400,\"body\":{\"error\":"
                    + "{\"type\":\"invalid_request_error\",\"message\":\"bad\\nline\"}}}}");
    assertThat(failed.isSuccess()).isFalse();
    assertThat(failed.error().httpStatus()).isEqualTo(400);
    assertThat(failed.error().type()).isEqualTo("invalid_request_error");
    assertThat(failed.error().message()).as("its line break escaped").isEqualTo("bad\\nline");
    assertThatThrownBy(() -> kimi.batches().readLine("not json"))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("A batch result line is not a JSON object");
  }

  @Test
  void missingResultLinesBecomeErrors() {
    List<ChatRequest> requests =
        List.of(ChatRequest.of("kimi-k2.6", "a"), ChatRequest.of("kimi-k2.6", "b"));
    Batch running = new Batch("b1", "in_progress", "f", null, null, "24h", 1, 2, 0, 0, null);
    List<BatchResult> results = kimi.batches().results(running, requests);
    assertThat(results).noneMatch(BatchResult::isSuccess);
    assertThat(results.get(1).error().message()).contains("in_progress");
    assertThat(running.isFinished()).isFalse();
    assertThat(running.metadata()).isEmpty();
  }

  @Test
  void listPagesNewestFirstAndCancelAnswersWithTheBatch() {
    Batch a = kimi.batches().create(List.of(ChatRequest.of("kimi-k2.6", "a")), "24h", Map.of());
    Batch b = kimi.batches().create(List.of(ChatRequest.of("kimi-k2.6", "b")), "24h", Map.of());
    assertThat(kimi.batches().list(null, 20)).extracting(Batch::id).containsExactly(b.id(), a.id());
    assertThat(kimi.batches().list(null, 1)).extracting(Batch::id).containsExactly(b.id());
    assertThat(kimi.batches().list(b.id(), 10)).extracting(Batch::id).containsExactly(a.id());
    assertThat(kimi.batches().cancel(a.id()).id()).isEqualTo(a.id());
    assertThat(server.requests().get(server.requestCount() - 1).path())
        .isEqualTo("/v1/batches/" + a.id() + "/cancel");
  }

  @Test
  void errorsAndValidation() {
    assertThatThrownBy(() -> kimi.batches().get("nope")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> kimi.batches().list(null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> kimi.batches().create(List.of(), "24h", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    server.enqueue(FakeResponse.json("{\"id\":\"x\"}"));
    assertThatThrownBy(() -> kimi.batches().get("x"))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("no id or status");
  }

  @Test
  void aMalformedResultLineIsADecodingError() {
    server.enqueue(FakeResponse.body(200, "application/octet-stream", "not json\n"));
    Batch done = new Batch("b1", "completed", "f", "out", null, "24h", 1, 1, 1, 0, Map.of());
    assertThatThrownBy(
            () -> kimi.batches().results(done, List.of(ChatRequest.of("kimi-k2.6", "a"))))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("bad line");
  }
}
