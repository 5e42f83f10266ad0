package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The API key is held in one field: walking every field of the SDK's own objects reachable from a
 * builder and from clients that have sent calls (each wire protocol, a derived client), the one
 * field whose value holds the key is the key's holder's. What reaches into the JDK's HTTP client is
 * not walked: the SDK hands the key to it per request, as a header.
 */
class KeyHeldOnceHttpTest {

  static final String KEY = "sk-" + "held0once".repeat(5) + "xyz"; // 51 characters, as Kimi's
  static final Set<String> THE_HOLDER = Set.of("internal.http.ApiKey.value");

  /** The SDK classes whose objects a walk looked into. */
  final Set<String> visited = new TreeSet<>();

  @Test
  void aBuilderHoldsTheKeyInItsHolderOnly() throws Exception {
    KimiClient.Builder b = KimiClient.builder().apiKey(KEY).baseUrl("http://127.0.0.1:9/v1");
    assertThat(fieldsHoldingTheKey(b)).isEqualTo(THE_HOLDER);
    KimiClient.Builder env = KimiClient.builder().fromEnv(Map.of("MOONSHOT_API_KEY", KEY));
    assertThat(fieldsHoldingTheKey(env)).isEqualTo(THE_HOLDER);
  }

  @Test
  void aClientHoldsTheKeyInOneFieldOnEveryWire() throws Exception {
    for (WireProtocol wire : WireProtocol.values()) {
      try (FakeKimiServer server = new FakeKimiServer().start();
          KimiClient kimi =
              FakeSuite.over(KimiClient.builder().apiKey(KEY), server, wire).build()) {
        server.enqueue(FakeResponse.reply("Hi"));
        server.enqueue(FakeResponse.reply("Hi"));
        assertThat(kimi.chat(ChatRequest.of("kimi-k2.6", "Hi")).text()).isEqualTo("Hi");
        KimiClient derived =
            kimi.withOptions(RequestOptions.builder().header("X-Trace", "t").build());
        assertThat(derived.chat(ChatRequest.of("kimi-k2.6", "Hi")).text()).isEqualTo("Hi");
        // a failure, so that the client has made what makes its exceptions (ServerText, which
        // redacts the key from server texts, is made with the first one)
        server.enqueue(
            FakeResponse.error(
                400,
                "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad: "
                    + KEY
                    + "\"}}"));
        assertThatThrownBy(() -> kimi.chat(ChatRequest.of("kimi-k2.6", "Hi")))
            .isInstanceOf(KimiException.class)
            .hasMessageNotContaining(KEY);

        assertThat(fieldsHoldingTheKey(kimi)).as("over %s", wire).isEqualTo(THE_HOLDER);
        assertThat(visited)
            .as("the walk reaches where the key is sent and redacted")
            .contains(
                "internal.config.ClientConfig",
                "internal.http.HttpTransport",
                "internal.http.ErrorFactory",
                "internal.http.ServerText");
        assertThat(fieldsHoldingTheKey(derived)).as("derived, over %s", wire).isEqualTo(THE_HOLDER);
      }
    }
  }

  /**
   * Returns the fields (relative class name, then field name) of the SDK's objects reachable from
   * {@code root} whose value is a string holding the key; collections, maps, optionals and arrays
   * on the way are looked into.
   */
  Set<String> fieldsHoldingTheKey(Object root) throws IllegalAccessException {
    Set<String> found = new TreeSet<>();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object> todo = new ArrayDeque<>();
    todo.add(root);
    while (!todo.isEmpty()) {
      Object o = todo.poll();
      if (!seen.add(o)) {
        continue;
      }
      if (o instanceof Collection<?> c) {
        c.forEach(e -> add(todo, e));
      } else if (o instanceof Map<?, ?> m) {
        m.forEach(
            (k, v) -> {
              add(todo, k);
              add(todo, v);
            });
      } else if (o instanceof Optional<?> opt) {
        opt.ifPresent(e -> add(todo, e));
      } else if (o.getClass().isArray() && !o.getClass().getComponentType().isPrimitive()) {
        for (int i = 0; i < Array.getLength(o); i++) {
          add(todo, Array.get(o, i));
        }
      } else if (isSdk(o.getClass())) {
        visited.add(o.getClass().getName().substring("io.github.kimisdk.".length()));
        for (Class<?> c = o.getClass(); c != null && isSdk(c); c = c.getSuperclass()) {
          for (Field f : c.getDeclaredFields()) {
            if (f.getType().isPrimitive()) {
              continue;
            }
            f.setAccessible(true);
            Object v = f.get(Modifier.isStatic(f.getModifiers()) ? null : o);
            if (v instanceof String s && s.contains(KEY)) {
              found.add(c.getName().substring("io.github.kimisdk.".length()) + "." + f.getName());
            } else {
              add(todo, v);
            }
          }
        }
      }
    }
    return found;
  }

  private static void add(Deque<Object> todo, Object o) {
    if (o != null && !(o instanceof String) && !(o instanceof Class)) {
      todo.add(o);
    }
  }

  private static boolean isSdk(Class<?> c) {
    return c.getName().startsWith("io.github.kimisdk.")
        && !c.getName().startsWith("io.github.kimisdk.testing.");
  }
}
