package io.github.kimisdk.internal.config;

import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * Makes the JDK's default TLS context ahead of the first client's HTTP client, on a daemon thread,
 * once per JVM. Every HTTP client built without a TLS context of its own makes that one (even for
 * plain {@code http}), reading and parsing the trust store: about a fifth of a second of a fresh
 * JVM, the largest part of a first call. Started when the first client's settings are made ({@link
 * ClientConfig#defaults()}, from {@code KimiClient.builder()}), it runs while the caller configures
 * and builds the client and its first request; the client's own build of its HTTP client then finds
 * it made, or waits for the rest of it.
 *
 * <p>Thread model: {@link #start()} from any thread; only the first call starts the thread.
 */
public final class TlsWarmup {

  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private TlsWarmup() {}

  /** Starts making the default TLS context, unless a call before started it. */
  static void start() {
    if (!STARTED.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(TlsWarmup::make, "kimi-tls-warmup");
    t.setDaemon(true);
    t.start();
  }

  private static void make() {
    try {
      SSLContext.getDefault();
    } catch (NoSuchAlgorithmException | RuntimeException | LinkageError e) {
      // the HTTP client's build asks for it again and fails there, where the caller sees it
    }
  }
}
