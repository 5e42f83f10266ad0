package io.github.kimisdk.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching Kimi's vocabulary, from a loopback server that serves the test copy; no internet. */
class KimiTokenizerFetchHttpTest {

  static byte[] vocabulary;

  @TempDir Path cache;
  HttpServer server;
  final AtomicInteger served = new AtomicInteger();
  volatile byte[] body;
  volatile int status = 200;

  @BeforeAll
  static void readTheFixture() throws IOException {
    try (InputStream in =
        KimiTokenizerFetchHttpTest.class.getResourceAsStream("/token/tiktoken.model")) {
      vocabulary = in.readAllBytes();
    }
  }

  @BeforeEach
  void start() throws IOException {
    body = vocabulary;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/moonshotai/tiktoken.model",
        x -> {
          served.incrementAndGet();
          byte[] b = body;
          x.sendResponseHeaders(status, b.length);
          try (OutputStream out = x.getResponseBody()) {
            out.write(b);
          }
        });
    server.createContext(
        "/moved",
        x -> {
          x.getResponseHeaders().set("Location", "/moonshotai/tiktoken.model");
          x.sendResponseHeaders(302, -1);
          x.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  KimiTokenizer.Fetcher fetcher() {
    return KimiTokenizer.fetcher()
        .url(url("/moonshotai/tiktoken.model"))
        .cacheDirectory(cache)
        .environment(Map.<String, String>of()::get);
  }

  @Test
  void fetchesOnceIntoTheCacheThenReadsTheCache() throws IOException {
    KimiTokenizer first = fetcher().load();
    assertThat(first.count("你好，世界！")).isEqualTo(4);
    assertThat(served).hasValue(1);
    Path file = fetcher().cacheFile();
    assertThat(file).hasFileName("kimi-tiktoken-" + KimiTokenizer.STANDARD_SHA256 + ".model");
    assertThat(Files.readAllBytes(file)).isEqualTo(vocabulary);
    try (var files = Files.list(cache)) {
      assertThat(files).containsExactly(file); // no partial file left behind
    }
    KimiTokenizer second = fetcher().offline(true).load();
    assertThat(second.encode("Hello, Kimi")).isEqualTo(first.encode("Hello, Kimi"));
    assertThat(served).as("the second load reads the cache").hasValue(1);
  }

  @Test
  void followsARedirect() {
    assertThat(fetcher().url(url("/moved")).load().vocabularySize()).isEqualTo(163_584);
    assertThat(served).hasValue(1);
  }

  @Test
  void refusesBytesWithAnotherSha256AndCachesNothing() throws IOException {
    body = Arrays.copyOf(vocabulary, vocabulary.length - 1);
    assertThatThrownBy(() -> fetcher().load())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not the expected " + KimiTokenizer.STANDARD_SHA256)
        .hasMessageContaining(url("/moonshotai/tiktoken.model").toString());
    try (var files = Files.list(cache)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aCorruptCacheFileIsFetchedAgain() throws IOException {
    Path file = fetcher().cacheFile();
    Files.write(file, "not a vocabulary".getBytes());
    assertThatThrownBy(() -> fetcher().offline(true).load())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not have SHA-256");
    assertThat(fetcher().load().vocabularySize()).isEqualTo(163_584);
    assertThat(Files.readAllBytes(file)).isEqualTo(vocabulary);
    assertThat(served).hasValue(1);
  }

  @Test
  void aLocalCopyWinsAndNeverTouchesTheNetwork() throws IOException {
    Path copy = cache.resolve("my-copy.model");
    Files.write(copy, vocabulary);
    assertThat(fetcher().file(copy).load().vocabularySize()).isEqualTo(163_584);
    KimiTokenizer fromEnv =
        fetcher()
            .environment(Map.of(KimiTokenizer.VOCAB_ENV, copy.toString())::get)
            .offline(true)
            .load();
    assertThat(fromEnv.vocabularySize()).isEqualTo(163_584);
    assertThat(served).hasValue(0);
    assertThat(fetcher().cacheFile()).doesNotExist();
    Path wrong = cache.resolve("wrong.model");
    Files.write(wrong, Arrays.copyOf(vocabulary, 100));
    assertThatThrownBy(
            () ->
                fetcher()
                    .environment(Map.of(KimiTokenizer.VOCAB_ENV, wrong.toString())::get)
                    .load())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(KimiTokenizer.VOCAB_ENV + "=" + wrong);
  }

  @Test
  void offlineWithoutACopySaysWhatToDo() {
    assertThatThrownBy(() -> fetcher().offline(true).load())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is not cached at")
        .hasMessageContaining("set " + KimiTokenizer.VOCAB_ENV);
    assertThat(served).hasValue(0);
  }

  @Test
  void failedFetchesAreReportedAndBounded() {
    status = 404;
    assertThatThrownBy(() -> fetcher().load())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("HTTP 404");
    status = 200;
    assertThatThrownBy(() -> fetcher().maxBytes(1_000).load())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("sent more than 1000 bytes");
  }

  @Test
  void theCacheFolderFollowsXdgAndTheSettingsAreChecked() {
    Path xdg =
        KimiTokenizer.fetcher().environment(Map.of("XDG_CACHE_HOME", "/tmp/xdg")::get).cacheFile();
    assertThat(xdg).isEqualTo(Path.of("/tmp/xdg", "kimi-sdk", xdg.getFileName().toString()));
    assertThatThrownBy(() -> KimiTokenizer.fetcher().url(URI.create("http://example.com/t.model")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HTTPS");
    assertThatThrownBy(() -> KimiTokenizer.fetcher().sha256("abc"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            KimiTokenizer.fetcher().sha256(KimiTokenizer.STANDARD_SHA256.toUpperCase()).cacheFile())
        .hasFileName("kimi-tiktoken-" + KimiTokenizer.STANDARD_SHA256 + ".model");
    assertThat(KimiTokenizer.digest(vocabulary)).isEqualTo(KimiTokenizer.STANDARD_SHA256);
  }
}
