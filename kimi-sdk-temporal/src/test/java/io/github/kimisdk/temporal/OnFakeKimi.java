package io.github.kimisdk.temporal;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.KimisRules;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test of workflows in this process against the fake: each test has the fake and a client on it,
 * and the Temporal environment it starts in {@link #temporal}; after it, the environment is closed
 * (which replays every history it recorded) and every request the fake received is held to Kimi's
 * rules.
 */
@ExtendWith(FakeKimiExtension.class)
abstract class OnFakeKimi {
  FakeKimiServer server;
  KimiClient kimi;
  InProcessTemporal temporal;

  @BeforeEach
  void setUp(FakeKimiServer server, KimiClient kimi) {
    this.server = server;
    this.kimi = kimi;
  }

  @AfterEach
  void replayEveryHistory() throws Exception {
    if (temporal != null) {
      temporal.close();
    }
    for (RecordedRequest r : server.requests()) {
      KimisRules.check(r);
    }
  }
}
