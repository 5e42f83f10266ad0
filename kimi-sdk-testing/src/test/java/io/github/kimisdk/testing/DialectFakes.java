package io.github.kimisdk.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fakes a test starts as it goes, each in the dialect it names, all closed after the test: a
 * suite registers one with {@code @RegisterExtension}.
 */
final class DialectFakes implements AfterEachCallback {
  private final List<FakeKimiServer> servers = new ArrayList<>();

  /** Starts a fake that speaks {@code dialect}, closed after the test. */
  FakeKimiServer start(String dialect) {
    return track(new FakeKimiServer().dialect(dialect).start());
  }

  /** Closes {@code server}, started by the test, after the test; returns it. */
  FakeKimiServer track(FakeKimiServer server) {
    servers.add(server);
    return server;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    servers.forEach(FakeKimiServer::close);
    servers.clear();
  }
}
