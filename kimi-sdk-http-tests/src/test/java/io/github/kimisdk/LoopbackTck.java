package io.github.kimisdk;

import io.github.kimisdk.base.flow.PublisherTck;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against a publisher of the client's that is one HTTP call over loopback:
 * a fake Kimi, started for the class, answers a request that holds {@code "fail"} with {@link
 * #failure()} and every other as {@link #answer} says, and {@link #kimi} is a client of it (with
 * {@link #settings}). A publisher emits at most 1024 items.
 *
 * @param <T> what the publisher emits
 */
public abstract class LoopbackTck<T> extends PublisherTck<T> {

  /** The fake, started before the class's tests. */
  protected FakeKimiServer server;

  /** The client of the fake. */
  protected KimiClient kimi;

  /** The TCK on a loaded machine's timeouts, waiting 200 ms to be sure that no signal comes. */
  protected LoopbackTck() {
    this(200);
  }

  /**
   * The TCK on a loaded machine's timeouts ({@link PublisherTck#loaded}).
   *
   * @param noSignalsMillis how long the TCK waits to be sure that no signal comes
   */
  protected LoopbackTck(long noSignalsMillis) {
    super(loaded(noSignalsMillis), 5000);
  }

  /**
   * The fake's answer to a publisher's request that does not ask to fail.
   *
   * @param body the request's body
   * @return the answer
   */
  protected abstract FakeResponse answer(String body);

  /**
   * The fake's answer to the failed publisher's request (one that holds {@code "fail"}): a 500 by
   * default.
   *
   * @return the answer
   */
  protected FakeResponse failure() {
    return FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\"}}");
  }

  /**
   * The client's settings beyond the fake's URL and a key: none unless a suite says.
   *
   * @param client the builder
   * @return the builder
   */
  protected KimiClient.Builder settings(KimiClient.Builder client) {
    return client;
  }

  /** Starts the fake and its client. */
  @BeforeClass
  public void startServer() {
    server = new FakeKimiServer().respondWith(this::respond).start();
    kimi = settings(KimiClient.builder().apiKey("tck").baseUrl(server.baseUrl())).build();
  }

  private FakeResponse respond(RecordedRequest r) {
    String body = r.bodyText();
    return body.contains("\"fail\"") ? failure() : answer(body);
  }

  /** Closes the client and the fake. */
  @AfterClass
  public void stopServer() {
    kimi.close();
    server.close();
  }

  @Override
  public long maxElementsFromPublisher() {
    return 1024;
  }

  /**
   * A streamed answer of {@code n} chunks whose contents are 0 to {@code n - 1}.
   *
   * @param n the chunks
   * @return the answer
   */
  protected static FakeResponse chunks(long n) {
    List<String> chunks = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      chunks.add(
          "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
              + i
              + "\"},\"finish_reason\":null}]}");
    }
    return FakeResponse.stream(chunks);
  }
}
