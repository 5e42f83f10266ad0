package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.platform.FileContent;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KimiFilesHttpTest extends FakeSuite {

  @TempDir Path dir;

  @Test
  void uploadWritesMultipartByteForByteWithEscapedFilename() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.txt"), "line one\nline two\n");
    FileObject f =
        kimi.files().upload(file, "q\"uote\r\nX-Injected: 1.txt", FilePurpose.FILE_EXTRACT);

    RecordedRequest r = server.takeRequest();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/v1/files");
    String ct = r.header("Content-Type").orElseThrow();
    assertThat(ct).startsWith("multipart/form-data; boundary=kimi-sdk-");
    String boundary = ct.substring(ct.indexOf("boundary=") + 9);
    String expected =
        "--"
            + boundary
            + "\r\n"
            + "Content-Disposition: form-data; name=\"purpose\"\r\n"
            + "\r\n"
            + "file-extract\r\n"
            + "--"
            + boundary
            + "\r\n"
            + "Content-Disposition: form-data; name=\"file\";"
            + " filename=\"q%22uote%0D%0AX-Injected: 1.txt\"\r\n"
            + "Content-Type: text/plain\r\n"
            + "\r\n"
            + "line one\nline two\n"
            + "\r\n--"
            + boundary
            + "--\r\n";
    assertThat(r.body()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
    assertThat(r.header("Content-Length")).contains(String.valueOf(expected.length()));

    assertThat(f.id()).isNotBlank();
    assertThat(f.filename()).isEqualTo("q\"uote\r\nX-Injected: 1.txt");
    assertThat(f.purpose()).isEqualTo(FilePurpose.FILE_EXTRACT);
    assertThat(f.bytes()).isEqualTo(18);
    assertThat(f.status()).isEqualTo("ok");
    assertThat(f.createdAt()).isPositive();
  }

  @Test
  void listGetContentAndDeleteRoundTrip() throws IOException {
    Path a = Files.writeString(dir.resolve("a.md"), "# Title\nBody");
    Path b = Files.write(dir.resolve("b.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    FileObject fa = kimi.files().upload(a, FilePurpose.FILE_EXTRACT);
    FileObject fb = kimi.files().upload(b, FilePurpose.IMAGE);

    assertThat(kimi.files().list()).containsExactly(fa, fb);
    assertThat(kimi.files().get(fb.id())).isEqualTo(fb);
    assertThat(fb.filename()).isEqualTo("b.png");

    FileContent c = kimi.files().content(fa.id());
    assertThat(c.json()).isInstanceOf(JsonObject.class);
    assertThat(c.extractedText()).isEqualTo("# Title\nBody");
    assertThat(c.text()).contains("\"content\":\"# Title\\nBody\"");

    assertThat(kimi.files().delete(fa.id())).isTrue();
    assertThat(kimi.files().list()).containsExactly(fb);
    assertThatThrownBy(() -> kimi.files().get(fa.id())).isInstanceOf(NotFoundException.class);
    assertThat(server.requests())
        .extracting(RecordedRequest::method, RecordedRequest::path)
        .contains(
            org.assertj.core.groups.Tuple.tuple("GET", "/v1/files/" + fa.id() + "/content"),
            org.assertj.core.groups.Tuple.tuple("DELETE", "/v1/files/" + fa.id()));
  }

  @Test
  void plainTextContentIsKeptAsTextWithoutJson() {
    server.enqueue(FakeResponse.body(200, "text/plain", "just the text"));
    FileContent c = kimi.files().content("file-1");
    assertThat(c.json()).isNull();
    assertThat(c.extractedText()).isEqualTo("just the text");

    server.enqueue(FakeResponse.body(200, "text/plain", "{not json"));
    FileContent brace = kimi.files().content("file-1");
    assertThat(brace.json()).isNull();
    assertThat(brace.extractedText()).isEqualTo("{not json");
  }

  @Test
  void documentMessageUploadsExtractsAndDeletes() throws IOException {
    Path doc = Files.writeString(dir.resolve("paper.txt"), "Water boils at 100 C.");
    Message m = kimi.files().documentMessage(doc, true);

    assertThat(m).isInstanceOf(SystemMessage.class);
    assertThat(((SystemMessage) m).content()).contains("Water boils at 100 C.");
    assertThat(kimi.files().list()).isEmpty();
    assertThat(server.requests())
        .extracting(RecordedRequest::method)
        .containsExactly("POST", "GET", "DELETE", "GET");

    Message kept = kimi.files().documentMessage(doc, false);
    assertThat(kimi.files().list()).hasSize(1);
    String reply =
        kimi.chat(
                ChatRequest.builder("kimi-k2.6")
                    .addMessage(kept)
                    .addMessage(Message.user("Summarise"))
                    .build())
            .text();
    assertThat(reply).isEqualTo("You said: Summarise");
  }

  @Test
  void uploadRejectsAMissingFileBeforeSending() {
    assertThatThrownBy(
            () -> kimi.files().upload(dir.resolve("missing.pdf"), FilePurpose.FILE_EXTRACT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.pdf");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void serverErrorsAndBadBodiesAreKimiExceptions() throws IOException {
    Path f = Files.writeString(dir.resolve("x.txt"), "x");
    server.enqueue(
        FakeResponse.error(
            400,
            "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"too many files\"}}"));
    assertThatThrownBy(() -> kimi.files().upload(f, FilePurpose.FILE_EXTRACT))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("too many files");

    server.enqueue(FakeResponse.json("{\"object\":\"file\"}"));
    assertThatThrownBy(() -> kimi.files().get("file-1"))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("no id");

    server.enqueue(FakeResponse.json("[1]"));
    assertThatThrownBy(() -> kimi.files().list())
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("not a JSON object");

    server.enqueue(FakeResponse.json("{oops"));
    assertThatThrownBy(() -> kimi.files().delete("file-1"))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("malformed JSON");

    assertThatThrownBy(() -> kimi.files().get(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fileIdsAreEscapedInThePath() {
    assertThatThrownBy(() -> kimi.files().get("a/b c")).isInstanceOf(NotFoundException.class);
    assertThat(server.takeRequest().path()).isEqualTo("/v1/files/a%2Fb%20c");
  }

  @Test
  void fakeRejectsAnUnknownPurposeLikeKimi() throws IOException {
    Path f = Files.writeString(dir.resolve("x.txt"), "x");
    assertThatThrownBy(() -> kimi.files().upload(f, new FilePurpose("lambda-x")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("purpose");
  }

  /**
   * Uploads a 64 MiB sparse file to a loopback server that only counts bytes: the upload streams
   * from disk, so it works even though the file is far larger than what the client ever holds.
   * (MultipartTest checks the publisher's chunk sizes directly.)
   */
  @Test
  void uploadsAFileLargerThanTheHeapBudgetByStreaming() throws IOException {
    long size = 64L * 1024 * 1024;
    Path big = dir.resolve("big.bin");
    try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
      raf.setLength(size);
    }
    AtomicLong received = new AtomicLong();
    HttpServer counting =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    counting.createContext(
        "/",
        ex -> {
          byte[] buf = new byte[64 * 1024];
          long n = 0;
          try (InputStream in = ex.getRequestBody()) {
            for (int r; (r = in.read(buf)) > 0; ) {
              n += r;
            }
          }
          received.set(n);
          byte[] body =
              ("{\"id\":\"big\",\"object\":\"file\",\"bytes\":"
                      + size
                      + ",\"created_at\":1,\"filename\":\"big.bin\",\"purpose\":\"batch\","
                      + "\"status\":\"ok\"}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    counting.start();
    try (KimiClient c =
        KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl("http://127.0.0.1:" + counting.getAddress().getPort() + "/v1")
            .build()) {
      FileObject f = c.files().upload(big, FilePurpose.BATCH);
      assertThat(f.bytes()).isEqualTo(size);
      assertThat(received.get()).isGreaterThan(size).isLessThan(size + 1024);
    } finally {
      counting.stop(0);
    }
  }

  @Test
  void filePurposeIsOpen() {
    assertThat(FilePurpose.of("batch")).isEqualTo(FilePurpose.BATCH);
    assertThat(FilePurpose.BATCH.isKnown()).isTrue();
    assertThat(FilePurpose.of("batch_output").isKnown()).isFalse();
    assertThat(FilePurpose.of(null)).isNull();
    assertThat(FilePurpose.of(" ")).isNull();
    assertThat(FilePurpose.IMAGE).hasToString("image");
    assertThatThrownBy(() -> new FilePurpose("")).isInstanceOf(IllegalArgumentException.class);
  }
}
