package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.http.LatchedSubscriber;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bounded load test: 500 concurrent streams through one client against {@link FakeKimiServer};
 * every chunk reaches the right subscriber, in order, and the client's thread count stays bounded.
 * The full-size run (200 chunks per stream, with throughput and heap figures) is {@code ScaleRun}
 * in the benchmarks module.
 */
class LoadHttpTest {

  static final int STREAMS = 500;
  static final int CHUNKS = 40;

  static final Pattern STREAM_ID = Pattern.compile("stream-(\\d+)");

  static String chunk(int stream, int i) {
    return "{\"id\":\"c"
        + stream
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"s"
        + stream
        + "-"
        + i
        + " \"},\"finish_reason\":null}]}";
  }

  static FakeResponse streamFor(String body, int chunks) {
    Matcher m = STREAM_ID.matcher(body);
    if (!m.find()) {
      return null;
    }
    int id = Integer.parseInt(m.group(1));
    FakeResponse.SseBuilder b = FakeResponse.sse();
    for (int i = 0; i < chunks; i++) {
      b.data(chunk(id, i));
    }
    return b.done().build();
  }

  /** Collects one stream's texts, asking for a few chunks at a time. */
  static final class Recorder extends LatchedSubscriber<ChatCompletionChunk> {
    final List<String> texts = new ArrayList<>();
    private Flow.Subscription subscription;
    private int left;

    Recorder(CountDownLatch done) {
      super(done);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      left = 8;
      s.request(8);
    }

    @Override
    public void onNext(ChatCompletionChunk item) {
      texts.add(item.text());
      if (--left == 0) {
        left = 8;
        subscription.request(8);
      }
    }
  }

  /** The SDK's HTTP threads alive now that are not in {@code others} (other clients' threads). */
  static int clientThreads(Set<Thread> others) {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("kimi-http-") && !others.contains(t)) {
        n++;
      }
    }
    return n;
  }

  /** The SDK's HTTP threads alive now: those of clients that earlier tests closed, still ending. */
  static Set<Thread> earlierClientsThreads() {
    Set<Thread> out = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("kimi-http-")) {
        out.add(t);
      }
    }
    return out;
  }

  @Test
  @Timeout(180)
  void fiveHundredConcurrentStreamsDeliverEveryChunkInOrderWithBoundedThreads() throws Exception {
    AtomicInteger peak = new AtomicInteger();
    // threads of clients closed by earlier tests may still be ending: count this client's only
    Set<Thread> others = earlierClientsThreads();
    ConcurrentLinkedQueue<Throwable> samplerErrors = new ConcurrentLinkedQueue<>();
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi =
            KimiClient.builder()
                .apiKey("sk-test")
                .baseUrl(server.baseUrl())
                .retryPolicy(RetryPolicy.none())
                .build()) {
      server.respondWith(r -> streamFor(r.bodyText(), CHUNKS));
      CountDownLatch done = new CountDownLatch(STREAMS);
      List<Recorder> recorders = new ArrayList<>();
      Thread sampler =
          new Thread(
              () -> {
                while (done.getCount() > 0) {
                  peak.accumulateAndGet(clientThreads(others), Math::max);
                  try {
                    Thread.sleep(5);
                  } catch (InterruptedException e) {
                    return;
                  } catch (RuntimeException e) {
                    samplerErrors.add(e);
                  }
                }
              },
              "load-sampler");
      sampler.setDaemon(true);
      sampler.start();
      for (int s = 0; s < STREAMS; s++) {
        Recorder r = new Recorder(done);
        recorders.add(r);
        kimi.stream(ChatRequest.of("kimi-k2.6", "stream-" + s)).subscribe(r);
      }
      assertThat(done.await(150, TimeUnit.SECONDS)).as("all streams ended").isTrue();
      sampler.interrupt();
      sampler.join();
      for (int s = 0; s < STREAMS; s++) {
        Recorder r = recorders.get(s);
        assertThat(r.error).as("stream %d failed", s).isNull();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < CHUNKS; i++) {
          expected.add("s" + s + "-" + i + " ");
        }
        assertThat(r.texts).as("stream %d", s).isEqualTo(expected);
      }
      assertThat(server.requestCount()).isEqualTo(STREAMS);
    }
    assertThat(samplerErrors).isEmpty();
    assertThat(peak.get())
        .as("peak client threads")
        .isPositive()
        .isLessThanOrEqualTo(ClientCore.DEFAULT_THREADS);
  }
}
