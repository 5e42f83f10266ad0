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
 * A JUnit 5 extension that gives each test a started {@link FakeKimiServer} and clients on it, and
 * closes them all after the test. A test method, a constructor or a {@code @BeforeEach} method asks
 * for what it needs by parameter type:
 *
 * <ul>
 *   <li>{@link FakeKimiServer}: the test's server, started;
 *   <li>{@link KimiClient}: a client with key {@value #KEY} on that server (one per test);
 *   <li>{@link Clients}: makes more clients on that server, each closed after the test.
 * </ul>
 *
 * <pre>{@code
 * @ExtendWith(FakeKimiExtension.class)
 * class WeatherAgentTest {
 *   @Test
 *   void answersFromTheTool(FakeKimiServer server, KimiClient kimi) {
 *     server.enqueue(FakeResponse.reply("Take an umbrella."));
 *     assertEquals("Take an umbrella.", kimi.chat(ChatRequest.of("kimi-k3", "Umbrella?")).text());
 *     assertTrue(server.takeRequest().bodyText().contains("Umbrella?"));
 *   }
 * }
 * }</pre>
 *
 * <p>Parameters of one test method and of the {@code @BeforeEach} methods run for it share one
 * server; asked for in a {@code @BeforeAll} method, the server serves the whole class and closes
 * after it. This class needs JUnit Jupiter's API ({@code org.junit.jupiter.api}), which
 * kimi-sdk-testing does not bring: a project that uses the extension has it already.
 */
@SuppressWarnings("exports") // JUnit's types are the point of it; a user of this class has JUnit
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

    /**
     * Returns a builder with the key {@value FakeKimiExtension#KEY} and the server's base URL set.
     *
     * @return a new builder
     */
    public KimiClient.Builder builder() {
      return KimiClient.builder().apiKey(KEY).baseUrl(server.baseUrl());
    }

    /**
     * Builds a client from {@link #builder()} with {@code settings} applied; it is closed after the
     * test.
     *
     * @param settings changes to the builder, such as {@code b ->
     *     b.retryPolicy(RetryPolicy.none())}
     * @return the client
     */
    public KimiClient build(UnaryOperator<KimiClient.Builder> settings) {
      return track(settings.apply(builder()).build());
    }

    /**
     * Closes {@code client} after the test.
     *
     * @param client a client made by the test
     * @return the same client
     */
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
