package io.github.kimisdk.mcp.internal.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The one bounded reader of what a server answers over HTTP (an MCP server's JSON and error bodies,
 * an authorization server's answers and metadata, the page of an authorization endpoint): at most
 * {@code limit} bytes are kept; past it, the body either fails with {@link TooLarge} or, cut, ends
 * with what it kept. Either way the exchange is cancelled at once, so a server that sends without
 * end costs the limit and no more. Used as a body subscriber, or fed by one that reads other bodies
 * too ({@link #take}). Not thread-safe: one body, read by the HTTP client's one subscriber thread
 * at a time.
 */
public final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

  /** The body was larger than allowed. */
  public static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates it.
     *
     * @param limit the limit that was passed
     */
    public TooLarge(int limit) {
      super("more than " + limit + " bytes");
    }
  }

  private final int limit;
  private final boolean cut;
  private final CompletableFuture<byte[]> done = new CompletableFuture<>();
  private byte[] bytes = new byte[0];
  private int len;
  private boolean over;
  private Flow.Subscription subscription;

  /**
   * Creates a reader of at most {@code limit} bytes.
   *
   * @param limit the most bytes kept
   * @param cut true to end with the first {@code limit} bytes of a larger body, false to fail it
   */
  public BoundedBody(int limit, boolean cut) {
    this.limit = limit;
    this.cut = cut;
  }

  /**
   * Keeps what fits of {@code b}.
   *
   * @param b the next bytes
   * @return false once the body is larger than the limit (then nothing more is kept)
   */
  public boolean take(ByteBuffer b) {
    if (over) {
      return false;
    }
    int n = b.remaining();
    int room = limit - len;
    if (n > room) {
      over = true;
      if (cut) {
        keep(b, room);
      }
      return false;
    }
    keep(b, n);
    return true;
  }

  private void keep(ByteBuffer b, int n) {
    if (len + n > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(len + n, bytes.length * 2 + 256)));
    }
    b.get(bytes, len, n);
    len += n;
  }

  /**
   * Returns what was kept.
   *
   * @return the bytes
   */
  public byte[] bytes() {
    return Arrays.copyOf(bytes, len);
  }

  /**
   * Returns how many bytes were kept.
   *
   * @return the length
   */
  public int length() {
    return len;
  }

  /**
   * Returns the buffer that holds what was kept, from 0 to {@link #length()}, not copied.
   *
   * @return the buffer
   */
  public byte[] buffer() {
    return bytes;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer b : items) {
      if (!take(b)) {
        subscription.cancel();
        if (cut) {
          done.complete(bytes());
        } else {
          bytes = new byte[0]; // released at once: the JDK may keep this subscriber a while
          len = 0;
          done.completeExceptionally(new TooLarge(limit));
        }
        return;
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    done.complete(bytes());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return done;
  }
}
