package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.platform.Balance;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.BatchResult;
import io.github.kimisdk.platform.ChatResult;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import io.github.kimisdk.platform.PingResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A copy of the code shown in README.md's "Files, balance, health check, batches and many calls"
 * section, one method per snippet, so that {@code PlatformReadmeExamplesTest} can run it against
 * {@code FakeKimiServer} ({@code ReadmeSnippetsTest} compiles the README's own text).
 */
final class PlatformReadmeExamples {

  private PlatformReadmeExamples() {}

  static String document(KimiClient kimi, Path paper) {
    // README: document
    Message doc = kimi.files().documentMessage(paper, true); // upload, extract, delete
    ChatRequest ask =
        ChatRequest.builder("kimi-k2.6").addMessage(doc).addUser("Summarise it").build();
    String answer = kimi.chat(ask).text();
    return answer;
  }

  static List<FileObject> files(KimiClient kimi, Path photo) {
    // README: files
    FileObject image = kimi.files().upload(photo, FilePurpose.IMAGE); // streamed from disk
    System.out.println(image.id() + " " + image.bytes() + " bytes, status " + image.status());
    List<FileObject> all = kimi.files().list();
    kimi.files().delete(image.id());
    return all;
  }

  static PingResult health(KimiClient kimi) {
    // README: health
    PingResult ping = kimi.account().ping(); // never throws for a bad key or a dead network
    switch (ping.status()) {
      case OK -> System.out.println("ready in " + ping.latency().toMillis() + " ms");
      case BAD_KEY -> System.out.println("check MOONSHOT_API_KEY");
      case UNREACHABLE -> System.out.println("no connection: " + ping.error().getMessage());
      case ERROR -> System.out.println("Kimi answered HTTP " + ping.httpStatus());
    }
    Balance balance = kimi.account().balance();
    System.out.println("available " + balance.available() + " (cash " + balance.cash() + ")");
    return ping;
  }

  static List<ChatResult> many(KimiClient kimi, List<ChatRequest> requests) {
    // README: many
    List<ChatResult> results =
        kimi.chatAll(
            requests,
            4, // at most 4 calls in flight
            r -> System.out.println(r.isSuccess() ? "done: " + r.index() : "failed: " + r.index()));
    for (ChatResult r : results) { // in input order
      System.out.println(r.isSuccess() ? r.completion().text() : "failed: " + r.error());
    }
    return results;
  }

  static List<BatchResult> batch(KimiClient kimi, List<ChatRequest> requests) {
    // README: batch
    Batch batch = kimi.batches().create(requests, "24h", Map.of("job", "nightly"));
    // ... later, poll until it is finished
    batch = kimi.batches().get(batch.id());
    if (batch.isFinished()) {
      List<BatchResult> results = kimi.batches().results(batch, requests); // in input order
      for (BatchResult r : results) {
        System.out.println(
            r.isSuccess() ? r.completion().text() : "failed: " + r.error().message());
      }
      return results;
    }
    return List.of();
  }
}
