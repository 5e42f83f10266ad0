package io.github.kimisdk;

import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A suite served by the fake ({@link FakeKimiExtension}): before each test, {@link #server} is the
 * test's fake Kimi, started, and {@link #kimi} a client of it set as {@link #settings} says; both
 * are closed after the test.
 */
@ExtendWith(FakeKimiExtension.class)
public abstract class FakeSuite {

  /** The test's fake, started. */
  protected FakeKimiServer server;

  /** The test's client of {@link #server}. */
  protected KimiClient kimi;

  /** A suite of tests served by the fake. */
  protected FakeSuite() {}

  /**
   * Sets this suite's client; {@link #server} is set already. The extension's client (key {@value
   * FakeKimiExtension#KEY}, everything else the default) unless a suite says otherwise.
   *
   * @param b a builder with the extension's key and the server's base URL set
   * @return the builder to build {@link #kimi} from
   */
  protected KimiClient.Builder settings(KimiClient.Builder b) {
    return b;
  }

  /**
   * Two retries after 1 to 5 ms: a policy that retries without slowing a test.
   *
   * @return the policy
   */
  public static RetryPolicy fastRetries() {
    return RetryPolicy.defaults()
        .withMaxRetries(2)
        .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5));
  }

  /**
   * Sets {@code b} to call {@code server} over {@code wire}, at the fake's base URL for that wire.
   *
   * @param b a client's builder
   * @param server the fake
   * @param wire the wire protocol
   * @return {@code b}
   */
  public static KimiClient.Builder over(
      KimiClient.Builder b, FakeKimiServer server, WireProtocol wire) {
    return b.baseUrl(
            wire == WireProtocol.ANTHROPIC_MESSAGES ? server.anthropicBaseUrl() : server.baseUrl())
        .wireProtocol(wire);
  }

  @BeforeEach
  void startTheFake(FakeKimiServer server, FakeKimiExtension.Clients clients) {
    this.server = server;
    kimi = clients.build(this::settings);
  }
}
