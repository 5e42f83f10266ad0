package com.example.kimi.langchain4j;

import io.github.kimisdk.langchain4j.KimiChatModel;
import io.github.kimisdk.testing.FakeKimiServer;

/**
 * Where the examples talk to: Kimi when {@code MOONSHOT_API_KEY} or {@code KIMI_API_KEY} is set,
 * otherwise a {@link FakeKimiServer} on loopback, so they run offline.
 */
final class Kimi implements AutoCloseable {

  static final String MODEL = "kimi-k3";

  private final FakeKimiServer fake; // null when live
  private final String apiKey;

  private Kimi(FakeKimiServer fake, String apiKey) {
    this.fake = fake;
    this.apiKey = apiKey;
  }

  /** Kimi itself when a key is in the environment, else the offline fake. */
  static Kimi connect() {
    String key = System.getenv("MOONSHOT_API_KEY");
    if (key == null || key.isBlank()) {
      key = System.getenv("KIMI_API_KEY");
    }
    return key == null || key.isBlank() ? offline(new FakeKimiServer().start()) : new Kimi(null, key);
  }

  /** The given fake, started. */
  static Kimi offline(FakeKimiServer fake) {
    return new Kimi(fake, "sk-offline");
  }

  boolean isOffline() {
    return fake != null;
  }

  /** A chat model builder for kimi-k3 here. */
  KimiChatModel.Builder chatModel() {
    KimiChatModel.Builder b = KimiChatModel.builder().apiKey(apiKey).modelName(MODEL);
    return fake == null ? b : b.baseUrl(fake.baseUrl());
  }

  String describe() {
    return isOffline()
        ? "offline, against FakeKimiServer (set MOONSHOT_API_KEY to talk to Kimi)"
        : "live, against Kimi";
  }

  @Override
  public void close() {
    if (fake != null) {
      fake.close();
    }
  }
}
