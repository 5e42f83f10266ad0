package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.internal.http.CollectingSubscriber;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import io.github.kimisdk.sse.EventStream;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one way to give calls settings of their own, as a test: every operation of the client and of
 * its services, in each of its forms (blocking, asynchronous, streaming), called on a client
 * derived with {@link KimiClient#withOptions(RequestOptions)}, sends the derived client's options
 * with every request. Each form is called through {@link FakeKimiServer} with a header naming it.
 */
@ExtendWith(FakeKimiExtension.class)
class DerivedClientCarriesItsOptionsHttpTest {

  static final ChatRequest HI = ChatRequest.of("kimi-k2.6", "Hi");
  static final List<ChatRequest> TWO = List.of(HI, ChatRequest.of("kimi-k2.6", "Bye"));

  @TempDir static Path dir;

  /**
   * One form of one operation: it calls a client derived with the options, and waits for the end.
   */
  interface Form {
    Object call(KimiClient kimi, RequestOptions options, Fixture f) throws Exception;
  }

  /** What some forms need: a file and a batch made before the form is called. */
  record Fixture(Path file, FileObject uploaded, Batch batch) {}

  static Stream<Arguments> forms() {
    List<Arguments> out = new ArrayList<>();
    add(out, "chat", (k, o, f) -> k.withOptions(o).chat(HI));
    add(out, "chatAsync", (k, o, f) -> done(k.withOptions(o).chatAsync(HI)));
    add(out, "stream", (k, o, f) -> k.withOptions(o).stream(HI).toCompletion());
    add(out, "stream subscribed", (k, o, f) -> subscribe(k.withOptions(o).stream(HI)));
    add(out, "chatAll", (k, o, f) -> k.withOptions(o).chatAll(TWO, 2, null));
    add(out, "chatAllAsync", (k, o, f) -> done(k.withOptions(o).chatAllAsync(TWO, 2, null)));
    add(out, "request", (k, o, f) -> k.withOptions(o).request("GET", "models", null));
    add(
        out,
        "requestAsync",
        (k, o, f) -> done(k.withOptions(o).requestAsync("GET", "models", null)));
    add(
        out,
        "requestEvents",
        (k, o, f) -> {
          try (EventStream events =
              k.withOptions(o)
                  .requestEvents("POST", "chat/completions", Json.parse(streamingBody()))) {
            return events.stream().count();
          }
        });
    add(out, "listModels", (k, o, f) -> k.withOptions(o).models().list());
    add(out, "listModelsAsync", (k, o, f) -> done(k.withOptions(o).models().listAsync()));
    add(out, "countTokens", (k, o, f) -> k.withOptions(o).tokens().count(HI));
    add(out, "countTokensAsync", (k, o, f) -> done(k.withOptions(o).tokens().countAsync(HI)));
    add(out, "balance", (k, o, f) -> k.withOptions(o).account().balance());
    add(out, "balanceAsync", (k, o, f) -> done(k.withOptions(o).account().balanceAsync()));
    add(out, "ping", (k, o, f) -> k.withOptions(o).account().ping());
    add(out, "pingAsync", (k, o, f) -> done(k.withOptions(o).account().pingAsync()));
    add(
        out,
        "files.upload",
        (k, o, f) -> k.withOptions(o).files().upload(f.file(), FilePurpose.FILE_EXTRACT));
    add(
        out,
        "files.uploadAsync",
        (k, o, f) ->
            done(
                k.withOptions(o)
                    .files()
                    .uploadAsync(f.file(), "named.txt", FilePurpose.FILE_EXTRACT)));
    add(out, "files.list", (k, o, f) -> k.withOptions(o).files().list());
    add(out, "files.listAsync", (k, o, f) -> done(k.withOptions(o).files().listAsync()));
    add(out, "files.get", (k, o, f) -> k.withOptions(o).files().get(f.uploaded().id()));
    add(
        out,
        "files.getAsync",
        (k, o, f) -> done(k.withOptions(o).files().getAsync(f.uploaded().id())));
    add(out, "files.content", (k, o, f) -> k.withOptions(o).files().content(f.uploaded().id()));
    add(
        out,
        "files.contentAsync",
        (k, o, f) -> done(k.withOptions(o).files().contentAsync(f.uploaded().id())));
    add(out, "files.delete", (k, o, f) -> k.withOptions(o).files().delete(f.uploaded().id()));
    add(
        out,
        "files.deleteAsync",
        (k, o, f) -> done(k.withOptions(o).files().deleteAsync(f.uploaded().id())));
    add(
        out,
        "files.documentMessage",
        (k, o, f) -> k.withOptions(o).files().documentMessage(f.file(), true));
    add(
        out,
        "files.documentMessageAsync",
        (k, o, f) -> done(k.withOptions(o).files().documentMessageAsync(f.file(), true)));
    add(
        out,
        "batches.create",
        (k, o, f) -> k.withOptions(o).batches().create(TWO, "24h", Map.of()));
    add(
        out,
        "batches.createAsync",
        (k, o, f) -> done(k.withOptions(o).batches().createAsync(TWO, "24h", Map.of())));
    add(out, "batches.get", (k, o, f) -> k.withOptions(o).batches().get(f.batch().id()));
    add(
        out,
        "batches.getAsync",
        (k, o, f) -> done(k.withOptions(o).batches().getAsync(f.batch().id())));
    add(out, "batches.list", (k, o, f) -> k.withOptions(o).batches().list(null, 5));
    add(out, "batches.listAsync", (k, o, f) -> done(k.withOptions(o).batches().listAsync(null, 5)));
    add(out, "batches.cancel", (k, o, f) -> k.withOptions(o).batches().cancel(f.batch().id()));
    add(
        out,
        "batches.cancelAsync",
        (k, o, f) -> done(k.withOptions(o).batches().cancelAsync(f.batch().id())));
    add(out, "batches.results", (k, o, f) -> k.withOptions(o).batches().results(f.batch(), TWO));
    add(
        out,
        "batches.resultsAsync",
        (k, o, f) -> done(k.withOptions(o).batches().resultsAsync(f.batch(), TWO)));
    Duration second = Duration.ofSeconds(1);
    Duration minute = Duration.ofMinutes(1);
    add(
        out,
        "batches.awaitFinished",
        (k, o, f) -> k.withOptions(o).batches().awaitFinished(f.batch().id(), second, minute));
    add(
        out,
        "batches.awaitFinishedAsync",
        (k, o, f) ->
            done(k.withOptions(o).batches().awaitFinishedAsync(f.batch().id(), second, minute)));
    add(
        out,
        "batches.awaitResults",
        (k, o, f) -> k.withOptions(o).batches().awaitResults(f.batch().id(), TWO, second, minute));
    add(
        out,
        "batches.awaitResultsAsync",
        (k, o, f) ->
            done(
                k.withOptions(o).batches().awaitResultsAsync(f.batch().id(), TWO, second, minute)));
    add(out, "kimiCode.usages", (k, o, f) -> k.withOptions(o).kimiCode().usages());
    add(out, "kimiCode.usagesAsync", (k, o, f) -> done(k.withOptions(o).kimiCode().usagesAsync()));
    add(out, "kimiCode.search", (k, o, f) -> k.withOptions(o).kimiCode().search("jdk"));
    add(
        out,
        "kimiCode.searchAsync",
        (k, o, f) -> done(k.withOptions(o).kimiCode().searchAsync("jdk")));
    add(
        out,
        "kimiCode.fetch",
        (k, o, f) -> k.withOptions(o).kimiCode().fetch("https://example.com/"));
    add(
        out,
        "kimiCode.fetchAsync",
        (k, o, f) -> done(k.withOptions(o).kimiCode().fetchAsync("https://example.com/")));
    return out.stream();
  }

  private static void add(List<Arguments> out, String name, Form form) {
    out.add(Arguments.of(name, form));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forms")
  void everyFormSendsTheCallsOptions(
      String name, Form form, FakeKimiServer server, FakeKimiExtension.Clients clients)
      throws Exception {
    // a Kimi Code key reaches the Kimi Code services the fake serves; the rest do not mind it
    KimiClient kimi =
        clients.build(b -> b.apiKey("sk-kimi-test0123456789abcdef").modelChecks(false));
    Path file = Files.writeString(dir.resolve(name.replace(' ', '-') + ".txt"), "a document");
    Fixture f =
        new Fixture(
            file,
            kimi.files().upload(file, FilePurpose.FILE_EXTRACT),
            kimi.batches().create(TWO, "24h", Map.of()));
    int before = server.requestCount();
    RequestOptions options =
        RequestOptions.builder().header("X-Form", name).queryParam("form", "1").build();

    assertThat(form.call(kimi, options, f)).as("what %s returned", name).isNotNull();

    List<RecordedRequest> sent = server.requests().subList(before, server.requestCount());
    assertThat(sent).as("the requests %s sent", name).isNotEmpty();
    for (RecordedRequest r : sent) {
      assertThat(r.header("X-Form")).as("%s %s", r.method(), r.path()).contains(name);
      assertThat(r.path()).as("%s %s", r.method(), r.path()).contains("form=1");
    }
  }

  private static <T> T done(CompletableFuture<T> f) {
    return f.orTimeout(30, TimeUnit.SECONDS).join();
  }

  private static String streamingBody() {
    return "{\"model\":\"kimi-k2.6\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  }

  /** Consumes a stream through its {@code Flow} form; returns the chunks it delivered. */
  private static List<ChatCompletionChunk> subscribe(ChatStream s) {
    CollectingSubscriber<ChatCompletionChunk> items = new CollectingSubscriber<>();
    s.subscribe(items);
    return done(items.end);
  }
}
