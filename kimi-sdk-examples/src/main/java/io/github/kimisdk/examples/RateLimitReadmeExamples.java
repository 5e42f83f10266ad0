package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.BatchResult;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The code shown in README.md's "Rate limiting" section and the asynchronous and polling part of
 * its platform section, kept here so that it compiles. {@code RateLimitReadmeExamplesTest} runs it
 * against {@code FakeKimiServer}.
 */
final class RateLimitReadmeExamples {

  private RateLimitReadmeExamples() {}

  static KimiClient limited(String key, String baseUrl) {
    // README: rate limit
    KimiClient kimi =
        KimiClient.builder()
            .apiKey(key)
            .baseUrl(baseUrl)
            .rateLimit(RateLimit.tier(1)) // Moonshot's Tier1: 50 concurrent, 200 RPM, 2M TPM
            .build();
    return kimi;
  }

  static RateLimit custom() {
    // README: custom limit
    RateLimit shared =
        RateLimit.builder()
            .maxConcurrency(8) // chat calls and open streams at once
            .requestsPerMinute(100) // any request, platform calls included
            .tokensPerMinute(500_000) // estimated prompt + max_completion_tokens
            .build();
    RateLimit lower = RateLimit.tier(2).toBuilder().requestsPerMinute(200).build();
    System.out.println(shared + " " + lower);
    return shared;
  }

  static List<String> burst(KimiClient kimi, List<ChatRequest> requests) {
    // README: burst
    List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
    for (ChatRequest r : requests) {
      calls.add(kimi.chatAsync(r)); // queued by the limiter, no thread blocked while waiting
    }
    List<String> answers = new ArrayList<>();
    for (CompletableFuture<ChatCompletion> c : calls) {
      answers.add(c.join().text());
    }
    return answers;
  }

  static List<BatchResult> batchAsync(KimiClient kimi, List<ChatRequest> requests, Path photo) {
    // README: async platform
    CompletableFuture<FileObject> upload = kimi.files().uploadAsync(photo, FilePurpose.IMAGE);
    kimi.account().balanceAsync().thenAccept(b -> System.out.println("available " + b.available()));
    Batch batch = kimi.batches().create(requests, "24h", Map.of("job", "nightly"));
    List<BatchResult> results =
        kimi.batches()
            .awaitResults(
                batch.id(),
                requests,
                Duration.ofMinutes(1), // poll interval
                Duration.ofHours(24)); // give up after (the batch keeps running)
    System.out.println("uploaded " + upload.join().id());
    return results;
  }
}
