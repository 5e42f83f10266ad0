package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.internal.http.LogSwitch;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A key that changes ({@code KimiClient.Builder.apiKey(Supplier)}): the supplier is asked before
 * every attempt, so a rotated key is sent by the next attempt; a refused key is asked for once more
 * and its attempt repeated once, never more; a supplier that fails fails the call unsent and once;
 * and no key, whatever the supplier returns, shows in a log line, an event, an exception or a
 * {@code toString}.
 */
class KeySupplierHttpTest {

  // Kimi's keys are "sk-" and 48 letters and digits; long enough to be searched for anywhere
  static final String OLD = "sk-" + "oldkey0rotate".repeat(4) + "ab";
  static final String NEW = "sk-" + "newkey1rotate".repeat(4) + "cd";

  final FakeKimiServer server = new FakeKimiServer().start();
  final KeyWitness witness = new KeyWitness();
  final List<KimiClient> clients = new ArrayList<>();

  @AfterEach
  void close() {
    clients.forEach(KimiClient::close);
    server.close();
  }

  KimiClient client(Supplier<String> key, RetryPolicy retries) {
    String before = System.getProperty(LogSwitch.PROPERTY);
    System.setProperty(LogSwitch.PROPERTY, "debug"); // headers and bodies logged too
    try {
      KimiClient kimi =
          KimiClient.builder()
              .apiKey(key)
              .baseUrl(server.baseUrl())
              .retryPolicy(retries)
              .logger(witness)
              .logMessageContents(true)
              .listener(witness)
              .build();
      clients.add(kimi);
      witness.add(kimi);
      return kimi;
    } finally {
      if (before == null) {
        System.clearProperty(LogSwitch.PROPERTY);
      } else {
        System.setProperty(LogSwitch.PROPERTY, before);
      }
    }
  }

  static ChatRequest ask(String text) {
    return ChatRequest.of("kimi-k2.6", text);
  }

  /**
   * Eight callers make 40 calls each (blocking, asynchronous and streamed) while the key rotates as
   * a secret manager rotates it: Kimi takes the old and the new key, the supplier moves to the new
   * one, Kimi revokes the old one. One call is held between asking for its key and sending it until
   * the old key is revoked, so at least one call meets the revocation. Every call succeeds; none
   * absorbs more than one refusal; the straggler absorbs exactly one; no call that starts after the
   * rotation (each caller's last ten wait for it) meets a refusal.
   */
  @Test
  void rotatingTheKeyWhileCallsRunLosesNoCall() throws Exception {
    AtomicReference<String> vault = new AtomicReference<>(OLD);
    server.requireApiKey(OLD);
    CountDownLatch stragglerHeld = new CountDownLatch(1);
    CountDownLatch rotated = new CountDownLatch(1);
    AtomicReference<Long> straggler = new AtomicReference<>();
    KimiClient kimi = client(vault::get, RetryPolicy.defaults());
    KimiClient held =
        kimi.withOptions(
            RequestOptions.builder()
                .listener(
                    new CallListener() {
                      @Override
                      public void onRequest(CallEvent.Request e) {
                        if (e.attempt() == 1) {
                          straggler.set(e.call().id());
                          stragglerHeld.countDown(); // its key asked, its request not yet sent
                          await(rotated);
                        }
                      }
                    })
                .build());
    ExecutorService callers = Executors.newFixedThreadPool(9);
    try {
      Future<ChatCompletion> late = callers.submit(() -> held.chat(ask("straggler")));
      List<Future<Integer>> runs = new ArrayList<>();
      CountDownLatch halfway = new CountDownLatch(8 * 20);
      for (int c = 0; c < 8; c++) {
        int caller = c;
        runs.add(
            callers.submit(
                () -> {
                  for (int i = 0; i < 40; i++) {
                    if (i == 30) {
                      await(rotated); // the last ten calls of each caller start after it
                    }
                    boolean after = rotated.getCount() == 0;
                    ChatRequest q =
                        ask((after ? "after-rotation " : "") + "caller " + caller + " call " + i);
                    String text =
                        switch (i % 3) {
                          case 0 -> kimi.chat(q).text();
                          case 1 -> kimi.chatAsync(q).get(30, TimeUnit.SECONDS).text();
                          default -> {
                            try (ChatStream s = kimi.stream(q)) {
                              yield s.toCompletion().text();
                            }
                          }
                        };
                    assertThat(text).isNotEmpty();
                    halfway.countDown();
                  }
                  return 40;
                }));
      }
      assertThat(stragglerHeld.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
      // the rotation: an overlap, the clients moved, the old key revoked
      server.requireApiKeys(List.of(OLD, NEW));
      vault.set(NEW);
      server.requireApiKey(NEW);
      rotated.countDown();
      for (Future<Integer> run : runs) {
        assertThat(run.get(60, TimeUnit.SECONDS)).isEqualTo(40);
      }
      assertThat(late.get(30, TimeUnit.SECONDS).text()).isNotEmpty();
    } finally {
      callers.shutdownNow();
    }

    // every call ended, and none failed
    assertThat(witness.failed).isEmpty();
    assertThat(witness.attempts).hasSize(8 * 40 + 1);
    assertThat(witness.attempts.values()).allMatch(n -> n <= 2);
    assertThat(witness.refusals.values()).allMatch(n -> n.get() == 1);
    assertThat(witness.refusalsOf(straggler.get())).isEqualTo(1);
    assertThat(witness.attempts.get(straggler.get())).isEqualTo(2);
    // the fake refused exactly the requests the calls absorbed, each with the old key
    List<RecordedRequest> refused =
        server.requests().stream().filter(r -> r.status() == 401).collect(Collectors.toList());
    int absorbed = witness.refusals.values().stream().mapToInt(AtomicInteger::get).sum();
    assertThat(refused).hasSize(absorbed);
    assertThat(refused).allMatch(r -> r.header("Authorization").orElse("").endsWith(OLD));
    // the calls that started once the old key was revoked sent the new one at once
    assertThat(server.requests().stream().filter(r -> r.bodyText().contains("after-rotation")))
        .hasSizeGreaterThanOrEqualTo(8 * 10)
        .allMatch(r -> r.status() == 200);
    witness.assertNoneHolds(OLD, NEW);
  }

  /** A supplier that returns the keys given, then the last one for good, counting the asks. */
  static final class Keys implements Supplier<String> {
    final Deque<String> next;
    final AtomicInteger asked = new AtomicInteger();
    String last;

    Keys(String... keys) {
      next = new ArrayDeque<>(List.of(keys));
    }

    @Override
    public synchronized String get() {
      asked.incrementAndGet();
      if (!next.isEmpty()) {
        last = next.poll();
      }
      return last;
    }
  }

  @Test
  void aRefusedKeyIsAskedForOnceMoreAndTheAttemptRepeatedOnceEvenWithoutRetries() {
    server.requireApiKey(NEW);
    Keys keys = new Keys(OLD, NEW);
    KimiClient kimi = client(keys, RetryPolicy.none());

    assertThat(kimi.chat(ask("Hi")).text()).isNotEmpty();
    assertThat(keys.asked).hasValue(2);
    assertThat(server.requests()).extracting(RecordedRequest::status).containsExactly(401, 200);

    assertThat(kimi.chat(ask("Hi again")).text()).isNotEmpty(); // the new key, no refusal
    assertThat(keys.asked).hasValue(3);
    assertThat(server.requests())
        .extracting(RecordedRequest::status)
        .containsExactly(401, 200, 200);
    assertThat(witness.refusals.values()).extracting(AtomicInteger::get).containsExactly(1);
    witness.assertNoneHolds(OLD, NEW);
  }

  @Test
  void aStreamAndAPlatformCallAbsorbOneRefusalToo() {
    server.requireApiKey(NEW);
    Keys streamKeys = new Keys(OLD, NEW);
    try (ChatStream s = client(streamKeys, RetryPolicy.defaults()).stream(ask("Count"))) {
      assertThat(s.toCompletion().text()).isNotEmpty();
    }
    assertThat(streamKeys.asked).hasValue(2);

    Keys platformKeys = new Keys(OLD, NEW);
    assertThat(client(platformKeys, RetryPolicy.defaults()).models().list()).isNotEmpty();
    assertThat(platformKeys.asked).hasValue(2);
    assertThat(server.requests())
        .extracting(RecordedRequest::status)
        .containsExactly(401, 200, 401, 200);
    witness.assertNoneHolds(OLD, NEW);
  }

  @Test
  void aKeyRefusedAgainAfterItWasRefreshedFailsTheCallSayingSo() {
    server.requireApiKey(NEW);
    Keys keys = new Keys(OLD); // a revoked key, for good
    KimiClient kimi = client(keys, RetryPolicy.defaults());

    assertThatThrownBy(() -> kimi.chat(ask("Hi")))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("The key was refreshed and still refused")
        .satisfies(
            e -> {
              assertThat(((AuthenticationException) e).status()).isEqualTo(401);
              assertThat(e.getSuppressed()).hasSize(1); // the first refusal
              assertThat(((AuthenticationException) e).attempts()).isEqualTo(2);
              witness.add(e);
            });
    // asked twice, sent twice: the refusal is never retried by the policy
    assertThat(keys.asked).hasValue(2);
    assertThat(server.requests()).extracting(RecordedRequest::status).containsExactly(401, 401);
    witness.assertNoneHolds(OLD, NEW);
  }

  @Test
  void theKeyAnAttemptSentIsRedactedWhereverKimiEchoesIt() {
    String echo =
        "{\"error\":{\"type\":\"invalid_authentication_error\","
            + "\"message\":\"Incorrect API key provided: %s\"}}";
    server.enqueue(FakeResponse.error(401, String.format(echo, OLD)));
    server.enqueue(FakeResponse.error(401, String.format(echo, NEW)));
    KimiClient kimi = client(new Keys(OLD, NEW), RetryPolicy.defaults());

    assertThatThrownBy(() -> kimi.chat(ask("Hi")))
        .isInstanceOf(AuthenticationException.class)
        .satisfies(
            e -> {
              witness.add(e);
              assertThat(e.getMessage()).contains("[API key redacted]");
              assertThat(e.getSuppressed()[0].getMessage()).contains("[API key redacted]");
            });
    witness.assertNoneHolds(OLD, NEW);
  }

  @Test
  void aSupplierThatThrowsFailsEachCallUnsentAndOnce() {
    AtomicInteger asked = new AtomicInteger();
    KimiClient kimi =
        client(
            () -> {
              asked.incrementAndGet();
              throw new IllegalStateException("the vault is sealed");
            },
            RetryPolicy.defaults());

    assertThatThrownBy(() -> kimi.chat(ask("Hi")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "The key supplier (a lambda in io.github.kimisdk.KeySupplierHttpTest) threw"
                + " java.lang.IllegalStateException: the vault is sealed, so the call was not sent;"
                + " the supplier's failure is this exception's cause")
        .hasCauseInstanceOf(IllegalStateException.class)
        .satisfies(witness::add);
    assertThatThrownBy(() -> kimi.stream(ask("Hi")).toCompletion())
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> kimi.models().list()).isInstanceOf(ConfigurationException.class);
    assertThat(asked).hasValue(3); // once per call: no retry
    assertThat(server.requestCount()).isZero();
    witness.assertNoneHolds(OLD, NEW);
  }

  /** A supplier's failure names it and says why, without a key it knew or one shaped so. */
  static final class Vault implements Supplier<String> {
    final AtomicInteger asked = new AtomicInteger();

    @Override
    public String get() {
      if (asked.getAndIncrement() == 0) {
        return OLD;
      }
      throw new IllegalStateException(
          "lease of " + OLD + " expired; " + NEW + " is not\nready " + "x".repeat(5_000));
    }
  }

  @Test
  void aSupplierThatThrowsIsNamedAndItsMessageToldWithoutAnyKey() {
    KimiClient kimi = client(new Vault(), RetryPolicy.none());
    kimi.chat(ask("Hi"));

    assertThatThrownBy(() -> kimi.chat(ask("Hi")))
        .isInstanceOf(ConfigurationException.class)
        .satisfies(
            e -> {
              witness.add(e);
              assertThat(e.getMessage())
                  .startsWith(
                      "The key supplier (io.github.kimisdk.KeySupplierHttpTest$Vault) threw"
                          + " java.lang.IllegalStateException: lease of [API key redacted]"
                          + " expired; [API key redacted] is not\\nready xxx")
                  .doesNotContain("\n")
                  .endsWith(
                      ", so the call was not sent; the supplier's failure is this exception's"
                          + " cause (a stand-in with its stack trace: its message held a key)")
                  .hasSizeLessThan(1_000);
            });
    witness.assertNoneHolds(OLD, NEW);
  }

  @Test
  void aSupplierThatReturnsNoKeyOrABadOneFailsTheCallSayingWhyWithoutTheKey() {
    String padded = OLD + "\n";
    String quoted = "\"" + OLD + "\"";
    Object[][] cases = {
      {null, "The API key from the key supplier is null; the call was not sent"},
      {"  ", "The API key from the key supplier is empty; the call was not sent"},
      {padded, "The API key from the key supplier has leading or trailing whitespace"},
      {quoted, "The API key from the key supplier contains a quote character at index 0"},
      {"Bearer " + OLD, "The API key from the key supplier starts with 'Bearer '"},
    };
    for (Object[] c : cases) {
      String returned = (String) c[0];
      KimiClient kimi = client(() -> returned, RetryPolicy.defaults());
      assertThatThrownBy(() -> kimi.chat(ask("Hi")))
          .as("%s", c[1])
          .isInstanceOf(ConfigurationException.class)
          .hasMessageStartingWith((String) c[1])
          .satisfies(witness::add);
    }
    assertThat(server.requestCount()).isZero();
    witness.assertNoneHolds(OLD, NEW);
  }

  @Test
  void aClientWithASupplierPrintsNoKeyAndAsksNothingUntilItsFirstCall() {
    AtomicInteger asked = new AtomicInteger();
    KimiClient kimi =
        client(
            () -> {
              asked.incrementAndGet();
              return NEW;
            },
            RetryPolicy.defaults());
    assertThat(kimi.toString()).contains("apiKey=***").doesNotContain(NEW);
    assertThat(kimi.endpoint().baseUrl()).isEqualTo(server.baseUrl());
    assertThat(asked).hasValue(0);
    kimi.chat(ask("Hi"));
    assertThat(asked).hasValue(1);
    assertThat(server.takeRequest().header("Authorization")).contains("Bearer " + NEW);
  }

  @Test
  void withoutABaseUrlASupplierClientTalksToTheGlobalPlatform() {
    try (KimiClient kimi = KimiClient.builder().apiKey(() -> NEW).build()) {
      assertThat(kimi.endpoint()).isSameAs(Endpoint.GLOBAL);
    }
    try (KimiClient kimi =
        KimiClient.builder().apiKey(() -> NEW).endpoint(Endpoint.KIMI_CODE).build()) {
      assertThat(kimi.endpoint()).isSameAs(Endpoint.KIMI_CODE);
    }
  }

  static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("not released in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
