package io.github.kimisdk.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient} that hands every response body to its caller unchanged and keeps a copy of
 * its bytes, for a test that compares what a client received in two runs, byte for byte.
 */
final class TeeHttpClient extends HttpClient {

  private final HttpClient delegate = HttpClient.newBuilder().build();
  private final List<ByteArrayOutputStream> bodies = new ArrayList<>();

  /** The bodies received so far, in the order their responses arrived. */
  synchronized List<byte[]> bodies() {
    List<byte[]> out = new ArrayList<>();
    bodies.forEach(b -> out.add(b.toByteArray()));
    return out;
  }

  private synchronized ByteArrayOutputStream next() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    bodies.add(b);
    return b;
  }

  private <T> HttpResponse.BodyHandler<T> tee(HttpResponse.BodyHandler<T> handler) {
    return info -> {
      ByteArrayOutputStream copy = next();
      HttpResponse.BodySubscriber<T> inner = handler.apply(info);
      return new HttpResponse.BodySubscriber<T>() {
        @Override
        public CompletionStage<T> getBody() {
          return inner.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
          inner.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
          synchronized (copy) {
            for (ByteBuffer b : item) {
              ByteBuffer d = b.duplicate();
              byte[] bytes = new byte[d.remaining()];
              d.get(bytes);
              copy.writeBytes(bytes);
            }
          }
          inner.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
          inner.onError(throwable);
        }

        @Override
        public void onComplete() {
          inner.onComplete();
        }
      };
    };
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return delegate.send(request, tee(handler));
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return delegate.sendAsync(request, tee(handler));
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> push) {
    return delegate.sendAsync(request, tee(handler), push);
  }
}
