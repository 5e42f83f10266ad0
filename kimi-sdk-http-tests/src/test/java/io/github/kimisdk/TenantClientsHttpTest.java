package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.internal.client.ManualScheduler;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client per tenant on one pool ({@code KimiClient.withCredentials}): each tenant sends its own
 * key and has its own spend and rate limit, while a thousand of them share the one client's threads
 * and connections, and the client keeps none of them.
 */
class TenantClientsHttpTest {

  static final String ROOT = "sk-" + "platform0owner".repeat(3) + "abcdef";
  static final int TENANTS = 1000;

  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  /** Closes {@code c} after the test; returns it. */
  <T extends AutoCloseable> T closedAfter(T c) {
    closing.add(c);
    return c;
  }

  /** A builder of a client of {@code server} with the platform's own key ({@link #ROOT}). */
  static KimiClient.Builder asRoot(FakeKimiServer server) {
    return KimiClient.builder().apiKey(ROOT).baseUrl(server.baseUrl());
  }

  /** Tenant {@code i}'s account and key ({@code sk-} and 48 characters, as Kimi's). */
  static String account(int i) {
    return String.format("tenant-%04d", i);
  }

  static String key(int i) {
    return String.format("sk-tenant%04dkey", i) + "x".repeat(35);
  }

  static ChatRequest ask(String text) {
    return ChatRequest.of("kimi-k2.6", text);
  }

  /** The names of the threads a client starts: its pool's, its timer's, the HTTP client's. */
  static List<String> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.startsWith("kimi-") || n.startsWith("HttpClient-"))
        .sorted()
        .collect(Collectors.toList());
  }

  /** The usage of {@code replies}, summed as a spend meter sums it. */
  static Usage usageOf(List<ChatCompletion> replies) {
    return replies.stream().map(ChatCompletion::usage).reduce(Usage.of(0, 0, 0), Usage::plus);
  }

  /** The calls tenant {@code i} makes: one, two or three. */
  static int callsOf(int i) {
    return i % 3 + 1;
  }

  @Test
  void aThousandTenantsShareTheClientsThreadsAndConnectionsAndEachSpendsItsOwn() {
    FakeKimiServer server = closedAfter(new FakeKimiServer().trackConnections().start());
    List<String> keys = new ArrayList<>(List.of(ROOT));
    IntStream.range(0, TENANTS).forEach(i -> keys.add(key(i)));
    server.requireApiKeys(keys);
    KeyWitness witness = new KeyWitness();
    KimiClient kimi =
        closedAfter(
            asRoot(server)
                .prices(io.github.kimisdk.model.PriceTable.none())
                .logger(witness)
                .listener(witness)
                .build());

    // one client: as many calls as the tenants will make, one after another
    int calls = IntStream.range(0, TENANTS).map(TenantClientsHttpTest::callsOf).sum();
    List<ChatCompletion> own = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      own.add(kimi.chat(ask("owner " + i)));
    }
    List<String> threadsOfOne = clientThreads();
    int connectionsOfOne = server.connectionCount();
    int openOfOne = server.openConnections();
    Spend spentByOne = kimi.spend();
    assertThat(spentByOne.totalTokens()).isEqualTo(usageOf(own).totalTokens());

    // a thousand tenants, each with its own key, making as many calls in all (1 to 3 each), in
    // rounds, so that the tenants' calls interleave
    List<KimiClient> tenants = new ArrayList<>();
    List<List<ChatCompletion>> replies = new ArrayList<>();
    for (int i = 0; i < TENANTS; i++) {
      String k = key(i);
      KimiClient tenant = kimi.withCredentials(account(i), () -> k);
      tenants.add(tenant);
      replies.add(new ArrayList<>());
    }
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < TENANTS; i++) {
        if (round < callsOf(i)) {
          replies.get(i).add(tenants.get(i).chat(ask(account(i) + " round " + round)));
        }
      }
    }

    // the same threads and connections as the one client: no pool, thread or timer per tenant
    // (another test's idle pool threads, still ending when the first list was taken, may be gone)
    assertThat(clientThreads()).as("threads the tenants started").isSubsetOf(threadsOfOne);
    assertThat(server.connectionCount()).as("connections opened").isEqualTo(connectionsOfOne);
    assertThat(server.openConnections()).as("connections open").isEqualTo(openOfOne);

    // each request carried its tenant's key; each tenant's spend is its own replies', exactly
    Set<String> sent = new HashSet<>();
    List<RecordedRequest> requests = server.requests();
    assertThat(requests).hasSize(2 * calls);
    for (RecordedRequest r : requests.subList(calls, requests.size())) {
      String body = r.bodyText();
      int i = Integer.parseInt(body.substring(body.indexOf("tenant-") + 7).substring(0, 4));
      assertThat(r.header("Authorization")).contains("Bearer " + key(i));
      sent.add(account(i));
    }
    assertThat(sent).hasSize(TENANTS);
    for (int i = 0; i < TENANTS; i++) {
      Usage expected = usageOf(replies.get(i));
      Spend spent = tenants.get(i).spend();
      assertThat(replies.get(i)).hasSize(callsOf(i));
      assertThat(spent.promptTokens()).isEqualTo(expected.promptTokens());
      assertThat(spent.completionTokens()).isEqualTo(expected.completionTokens());
      assertThat(spent.totalTokens()).isEqualTo(expected.totalTokens()).isPositive();
    }
    assertThat(kimi.spend()).as("the client's own spend, untouched").isEqualTo(spentByOne);

    // no tenant's key shows anywhere the client shows itself
    tenants.forEach(witness::add);
    assertThat(tenants.get(7).toString()).contains("account=tenant-0007", "apiKey=***");
    witness.assertNoneHolds(keys.toArray(new String[0]));
  }

  @Test
  void eachTenantIsHeldToTheClientsRateLimitOnItsOwn() throws Exception {
    FakeKimiServer server = closedAfter(new FakeKimiServer().start());
    ManualScheduler time = new ManualScheduler();
    KimiClient kimi =
        closedAfter(
            ClientInternals.builder(time)
                .apiKey(ROOT)
                .baseUrl(server.baseUrl())
                .rateLimit(RateLimit.builder().requestsPerMinute(2).build())
                .build());
    List<KimiClient> clients = new ArrayList<>(List.of(kimi));
    for (int i = 0; i < TENANTS; i++) {
      String k = key(i);
      clients.add(kimi.withCredentials(account(i), () -> k));
    }

    // two calls a minute each: every client makes its two at once, none waits for another's
    for (KimiClient c : clients) {
      c.chat(ask("first"));
      c.chat(ask("second"));
    }
    assertThat(server.requestCount()).isEqualTo(2 * clients.size());

    // a third call of each waits for its own minute, and for nobody else's
    List<CompletableFuture<ChatCompletion>> thirds = new ArrayList<>();
    for (KimiClient c : clients) {
      thirds.add(c.chatAsync(ask("third")));
    }
    assertThat(thirds).noneMatch(CompletableFuture::isDone);
    assertThat(server.requestCount()).isEqualTo(2 * clients.size());
    time.advance(Duration.ofSeconds(61));
    for (CompletableFuture<ChatCompletion> f : thirds) {
      assertThat(f.get(30, TimeUnit.SECONDS).text()).isNotEmpty();
    }
    assertThat(server.requestCount()).isEqualTo(3 * clients.size());
  }

  /** A store that records the account of each take, counting in process. */
  static final class RecordingStore implements RateLimitStore {
    final RateLimitStore counts = RateLimitStore.inProcess();
    final List<String> accounts = new CopyOnWriteArrayList<>();

    @Override
    public Duration tryTake(
        String account, String lease, RateLimit limits, long tokens, Duration leaseFor) {
      accounts.add(account);
      return counts.tryTake(account, lease, limits, tokens, leaseFor);
    }

    @Override
    public void giveBack(String account, String lease) {
      counts.giveBack(account, lease);
    }
  }

  @Test
  void aTenantsCallsCountUnderItsOwnAccountInASharedStore() {
    FakeKimiServer server = closedAfter(new FakeKimiServer().start());
    RecordingStore store = new RecordingStore();
    KimiClient kimi =
        closedAfter(
            asRoot(server)
                .rateLimit(RateLimit.builder().maxConcurrency(4).store(store, "platform").build())
                .build());
    kimi.chat(ask("Hi"));
    kimi.withCredentials("acme", () -> key(1)).chat(ask("Hi"));
    kimi.withCredentials("globex", () -> key(2)).withOptions(RequestOptions.none()).chat(ask("Hi"));
    assertThat(store.accounts).containsExactly("platform", "acme", "globex");
    assertThat(kimi.withCredentials("acme", () -> key(1)).rateLimit()).isEqualTo(kimi.rateLimit());
  }

  @Test
  void aTenantSendsItsOwnKeyAndItsDerivedClientsToo() {
    FakeKimiServer server = closedAfter(new FakeKimiServer().start());
    KimiClient kimi = closedAfter(asRoot(server).build());
    KimiClient acme = kimi.withCredentials("acme", () -> key(1));
    RequestOptions traced = RequestOptions.builder().header("X-Trace", "t").build();

    acme.chat(ask("Hi"));
    acme.withOptions(traced).chat(ask("Hi"));
    acme.models().list();
    kimi.withOptions(traced).withCredentials("globex", () -> key(2)).chat(ask("Hi"));
    kimi.chat(ask("Hi"));

    List<RecordedRequest> r = server.requests();
    assertThat(r)
        .extracting(q -> q.header("Authorization").orElseThrow())
        .containsExactly(
            "Bearer " + key(1),
            "Bearer " + key(1),
            "Bearer " + key(1),
            "Bearer " + key(2),
            "Bearer " + ROOT);
    assertThat(r.get(1).header("X-Trace")).contains("t");
    assertThat(r.get(3).header("X-Trace")).as("the tenant keeps the options").contains("t");
  }

  @Test
  void aTenantWhoseSupplierFailsFailsAloneAndNamesItsAccount() {
    FakeKimiServer server = closedAfter(new FakeKimiServer().start());
    KimiClient kimi = closedAfter(asRoot(server).build());
    Supplier<String> broken =
        () -> {
          throw new IllegalStateException("no key stored for acme");
        };
    assertThatThrownBy(() -> kimi.withCredentials("acme", broken).chat(ask("Hi")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(
            "The key supplier of account acme (a lambda in io.github.kimisdk.TenantClientsHttpTest)"
                + " threw java.lang.IllegalStateException: no key stored for acme, so the call was"
                + " not sent");
    assertThatThrownBy(() -> kimi.withCredentials("acme", () -> "").chat(ask("Hi")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("The API key from the key supplier of account acme is empty");
    assertThat(kimi.chat(ask("Hi")).text()).isNotEmpty();
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void anAccountMustNameATenantAsAStoreKeyCan() {
    KimiClient kimi =
        closedAfter(KimiClient.builder().apiKey(ROOT).baseUrl("http://127.0.0.1:9/v1").build());
    assertThatThrownBy(() -> kimi.withCredentials("", () -> ROOT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("account must be 1 to 128 characters: 0 characters");
    assertThatThrownBy(() -> kimi.withCredentials("acme corp", () -> ROOT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("account must have no spaces or control characters (at index 4)");
    kimi.close();
    assertThatThrownBy(() -> kimi.withCredentials("acme", () -> ROOT))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void tenantsThatComeAndGoAreNotKeptByTheirClient() throws Exception {
    FakeKimiServer server = closedAfter(new FakeKimiServer().start());
    KimiClient kimi =
        closedAfter(
            asRoot(server)
                .rateLimit(RateLimit.builder().maxConcurrency(8).requestsPerMinute(10_000).build())
                .build());
    int n = 200;
    ReferenceQueue<Object> collected = new ReferenceQueue<>();
    List<WeakReference<Object>> refs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String k = key(i);
      Supplier<String> supplier = () -> k;
      KimiClient tenant = kimi.withCredentials(account(i), supplier);
      tenant.chat(ask("Hi"));
      try (var s = tenant.stream(ask("Hi"))) {
        s.toCompletion();
      }
      refs.add(new WeakReference<>(tenant, collected));
      refs.add(new WeakReference<>(supplier, collected));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    int cleared = 0;
    while (cleared < refs.size() && System.nanoTime() < deadline) {
      System.gc();
      while (collected.remove(100) != null) {
        cleared++;
      }
    }
    assertThat(refs.stream().filter(r -> r.get() != null).count())
        .as("tenants and key suppliers still reachable")
        .isZero();
    assertThat(kimi.chat(ask("still here")).text()).isNotEmpty();
  }
}
