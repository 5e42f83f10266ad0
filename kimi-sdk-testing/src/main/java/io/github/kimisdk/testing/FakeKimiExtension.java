package io.github.kimisdk.testing;

import io.github.kimisdk.KimiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test a started {@link FakeKimiServer} and clients on it, and closes them all after the
 * test (as Methanol's {@code MockWebServerExtension} does for its server). A test method (or a
 * {@code @BeforeEach}) asks for what it needs by parameter type:
 *
 * <ul>
 *   <li>{@link FakeKimiServer}: the test's server, started;
 *   <li>{@link KimiClient}: a client with key {@value #KEY} on that server;
 *   <li>{@link Clients}: makes more clients on that server, each closed after the test.
 * </ul>
 *
 * <pre>{@code
 * @ExtendWith(FakeKimiExtension.class)
 * class SomeHttpTest {
 *   @Test
 *   void answers(FakeKimiServer server, KimiClient kimi) { ... }
 * }
 * }</pre>
 */
@SuppressWarnings("exports") // a test class: JUnit's types are the point of it
public final class FakeKimiExtension implements ParameterResolver, AfterEachCallback {

  /** Creates the extension; JUnit does, for {@code @ExtendWith}. */
  public FakeKimiExtension() {}

  /** The key of the clients this extension makes. */
  public static final String KEY = "sk-test";

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(FakeKimiExtension.class);

  /** Makes clients on the test's server; each is closed after the test. */
  public static final class Clients {
    private final FakeKimiServer server;
    private final List<KimiClient> made = new ArrayList<>();

    Clients(FakeKimiServer server) {
      this.server = server;
    }

    /** Returns a builder with the key and the server's base URL set. */
    public KimiClient.Builder builder() {
      return KimiClient.builder().apiKey(KEY).baseUrl(server.baseUrl());
    }

    /** Builds a client from {@link #builder()} with {@code settings} applied. */
    public KimiClient build(UnaryOperator<KimiClient.Builder> settings) {
      return track(settings.apply(builder()).build());
    }

    /** Closes {@code client} after the test. */
    public synchronized KimiClient track(KimiClient client) {
      made.add(client);
      return client;
    }

    synchronized void closeAll() {
      for (KimiClient c : made) {
        c.close();
      }
      made.clear();
    }
  }

  /** What one test holds, closed in order: clients, then the server. */
  private static final class State implements ExtensionContext.Store.CloseableResource {
    final FakeKimiServer server = new FakeKimiServer().start();
    final Clients clients = new Clients(server);
    KimiClient client;

    @Override
    public void close() {
      clients.closeAll();
      server.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    Class<?> type = p.getParameter().getType();
    return type == FakeKimiServer.class || type == KimiClient.class || type == Clients.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    State s = state(c);
    Class<?> type = p.getParameter().getType();
    if (type == FakeKimiServer.class) {
      return s.server;
    }
    if (type == Clients.class) {
      return s.clients;
    }
    synchronized (s) {
      if (s.client == null) {
        s.client = s.clients.build(b -> b);
      }
      return s.client;
    }
  }

  @Override
  public void afterEach(ExtensionContext c) {
    State s = c.getStore(NS).remove(State.class, State.class);
    if (s != null) {
      s.close();
    }
  }

  /** The test's state, in the store of the test method (a {@code @BeforeEach} shares it). */
  private static State state(ExtensionContext c) {
    ExtensionContext.Store store = c.getStore(NS);
    return store.getOrComputeIfAbsent(State.class, k -> new State(), State.class);
  }
}
