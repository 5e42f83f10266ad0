package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.json.Json;
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
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table in the README, as a test: every operation of the client and of its services, in each of
 * its forms (blocking, asynchronous, streaming), takes per-call {@link RequestOptions}, and every
 * request the operation sends carries them. Each form is called through {@link FakeKimiServer} with
 * a header naming it.
 */
@ExtendWith(FakeKimiExtension.class)
class EveryFormTakesOptionsHttpTest {

  static final ChatRequest HI = ChatRequest.of("kimi-k2.6", "Hi");
  static final List<ChatRequest> TWO = List.of(HI, ChatRequest.of("kimi-k2.6", "Bye"));

  @TempDir static Path dir;

  /** One form of one operation: it calls the client with the options and waits for the end. */
  interface Form {
    Object call(KimiClient kimi, RequestOptions options, Fixture f) throws Exception;
  }

  /** What some forms need: a file and a batch made before the form is called. */
  record Fixture(Path file, FileObject uploaded, Batch batch) {}

  static Stream<Arguments> forms() {
    List<Arguments> out = new ArrayList<>();
    add(out, "chat", (k, o, f) -> k.chat(HI, o));
    add(out, "chatAsync", (k, o, f) -> done(k.chatAsync(HI, o)));
    add(out, "stream", (k, o, f) -> k.stream(HI, o).toCompletion());
    add(out, "stream subscribed", (k, o, f) -> subscribe(k.stream(HI, o)));
    add(out, "chatAll", (k, o, f) -> k.chatAll(TWO, 2, null, o));
    add(out, "chatAllAsync", (k, o, f) -> done(k.chatAllAsync(TWO, 2, null, o)));
    add(out, "request", (k, o, f) -> k.request("GET", "models", null, o));
    add(out, "requestAsync", (k, o, f) -> done(k.requestAsync("GET", "models", null, o)));
    add(
        out,
        "requestEvents",
        (k, o, f) -> {
          try (EventStream events =
              k.requestEvents("POST", "chat/completions", Json.parse(streamingBody()), o)) {
            return events.stream().count();
          }
        });
    add(out, "listModels", (k, o, f) -> k.listModels(o));
    add(out, "listModelsAsync", (k, o, f) -> done(k.listModelsAsync(o)));
    add(out, "countTokens", (k, o, f) -> k.countTokens(HI, o));
    add(out, "countTokensAsync", (k, o, f) -> done(k.countTokensAsync(HI, o)));
    add(out, "balance", (k, o, f) -> k.balance(o));
    add(out, "balanceAsync", (k, o, f) -> done(k.balanceAsync(o)));
    add(out, "ping", (k, o, f) -> k.ping(o));
    add(out, "pingAsync", (k, o, f) -> done(k.pingAsync(o)));
    add(out, "files.upload", (k, o, f) -> k.files().upload(f.file(), FilePurpose.FILE_EXTRACT, o));
    add(
        out,
        "files.uploadAsync",
        (k, o, f) ->
            done(k.files().uploadAsync(f.file(), "named.txt", FilePurpose.FILE_EXTRACT, o)));
    add(out, "files.list", (k, o, f) -> k.files().list(o));
    add(out, "files.listAsync", (k, o, f) -> done(k.files().listAsync(o)));
    add(out, "files.get", (k, o, f) -> k.files().get(f.uploaded().id(), o));
    add(out, "files.getAsync", (k, o, f) -> done(k.files().getAsync(f.uploaded().id(), o)));
    add(out, "files.content", (k, o, f) -> k.files().content(f.uploaded().id(), o));
    add(out, "files.contentAsync", (k, o, f) -> done(k.files().contentAsync(f.uploaded().id(), o)));
    add(out, "files.delete", (k, o, f) -> k.files().delete(f.uploaded().id(), o));
    add(out, "files.deleteAsync", (k, o, f) -> done(k.files().deleteAsync(f.uploaded().id(), o)));
    add(out, "files.documentMessage", (k, o, f) -> k.files().documentMessage(f.file(), true, o));
    add(
        out,
        "files.documentMessageAsync",
        (k, o, f) -> done(k.files().documentMessageAsync(f.file(), true, o)));
    add(out, "batches.create", (k, o, f) -> k.batches().create(TWO, "24h", Map.of(), o));
    add(
        out,
        "batches.createAsync",
        (k, o, f) -> done(k.batches().createAsync(TWO, "24h", Map.of(), o)));
    add(out, "batches.get", (k, o, f) -> k.batches().get(f.batch().id(), o));
    add(out, "batches.getAsync", (k, o, f) -> done(k.batches().getAsync(f.batch().id(), o)));
    add(out, "batches.list", (k, o, f) -> k.batches().list(null, 5, o));
    add(out, "batches.listAsync", (k, o, f) -> done(k.batches().listAsync(null, 5, o)));
    add(out, "batches.cancel", (k, o, f) -> k.batches().cancel(f.batch().id(), o));
    add(out, "batches.cancelAsync", (k, o, f) -> done(k.batches().cancelAsync(f.batch().id(), o)));
    add(out, "batches.results", (k, o, f) -> k.batches().results(f.batch(), TWO, o));
    add(
        out,
        "batches.resultsAsync",
        (k, o, f) -> done(k.batches().resultsAsync(f.batch(), TWO, o)));
    Duration second = Duration.ofSeconds(1);
    Duration minute = Duration.ofMinutes(1);
    add(
        out,
        "batches.awaitFinished",
        (k, o, f) -> k.batches().awaitFinished(f.batch().id(), second, minute, o));
    add(
        out,
        "batches.awaitFinishedAsync",
        (k, o, f) -> done(k.batches().awaitFinishedAsync(f.batch().id(), second, minute, o)));
    add(
        out,
        "batches.awaitResults",
        (k, o, f) -> k.batches().awaitResults(f.batch().id(), TWO, second, minute, o));
    add(
        out,
        "batches.awaitResultsAsync",
        (k, o, f) -> done(k.batches().awaitResultsAsync(f.batch().id(), TWO, second, minute, o)));
    add(out, "kimiCode.usages", (k, o, f) -> k.kimiCode().usages(o));
    add(out, "kimiCode.usagesAsync", (k, o, f) -> done(k.kimiCode().usagesAsync(o)));
    add(out, "kimiCode.search", (k, o, f) -> k.kimiCode().search("jdk", o));
    add(out, "kimiCode.searchAsync", (k, o, f) -> done(k.kimiCode().searchAsync("jdk", o)));
    add(out, "kimiCode.fetch", (k, o, f) -> k.kimiCode().fetch("https://example.com/", o));
    add(
        out,
        "kimiCode.fetchAsync",
        (k, o, f) -> done(k.kimiCode().fetchAsync("https://example.com/", o)));
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
    List<ChatCompletionChunk> items = new ArrayList<>();
    CompletableFuture<List<ChatCompletionChunk>> end = new CompletableFuture<>();
    s.subscribe(
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription sub) {
            sub.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(ChatCompletionChunk item) {
            items.add(item);
          }

          @Override
          public void onError(Throwable t) {
            end.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            end.complete(items);
          }
        });
    return done(end);
  }
}
