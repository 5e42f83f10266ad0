package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitStoreTest {

  private final RateLimitStore store = RateLimitStore.inProcess();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "empty                  | ''          | 1 to 128 characters",
        "a space                | 'org a'     | no spaces or control characters (at index 3)",
        "a tab                  | 'org\ta'    | no spaces or control characters (at index 3)",
        "a control character    | 'org\u0001' | no spaces or control characters (at index 3)",
      })
  void anAccountKeyThatCannotNameAKeyIsRefused(String rule, String account, String message) {
    assertThatThrownBy(() -> RateLimit.builder().store(store, account))
        .as(rule)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void anAccountKeyOfMoreThan128CharactersIsRefusedWithoutQuotingIt() {
    String key = "k".repeat(129);
    assertThatThrownBy(() -> RateLimit.builder().store(store, key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("account must be 1 to 128 characters: 129 characters");
    assertThat(
            RateLimit.builder().store(store, "k".repeat(128)).maxConcurrency(1).build().account())
        .hasValue("k".repeat(128));
  }

  @Test
  void theStoreAndAccountAreKeptByToBuilderAndNamedByToString() {
    RateLimit limit = RateLimit.tier(1).toBuilder().store(store, "org-team").build();
    assertThat(limit.store()).containsSame(store);
    assertThat(limit.toBuilder().build().account()).hasValue("org-team");
    assertThat(limit.toBuilder().build().store()).containsSame(store);
    assertThat(limit.toString()).endsWith(", shared by account org-team]");
    assertThat(RateLimit.tier(1).store()).isEmpty();
    assertThat(RateLimit.tier(1).account()).isEmpty();
    assertThat(RateLimit.tier(1).toString()).doesNotContain("shared");
  }

  @Test
  void inProcessStoresAreEachTheirOwn() {
    RateLimit limit = RateLimit.builder().requestsPerMinute(1).build();
    RateLimitStore other = RateLimitStore.inProcess();
    assertThat(store.tryTake("org", "", limit, 0, Duration.ZERO)).isZero();
    assertThat(store.tryTake("org", "", limit, 0, Duration.ZERO)).isPositive();
    assertThat(other.tryTake("org", "", limit, 0, Duration.ZERO)).isZero();
    assertThat(store.tryTake("another-org", "", limit, 0, Duration.ZERO)).isZero();
  }

  @Test
  void anInProcessLeaseIsHeldUntilGivenBackAndGivingBackTwiceIsHarmless() {
    RateLimit one = RateLimit.builder().maxConcurrency(1).build();
    Duration lease = Duration.ofMillis(1); // leases in process do not expire
    assertThat(store.tryTake("org", "a", one, 0, lease)).isZero();
    assertThat(store.tryTake("org", "b", one, 0, lease)).isPositive();
    assertThat(store.tryTake("org", "", one, 0, Duration.ZERO)).isZero(); // no slot needed
    store.giveBack("org", "a");
    store.giveBack("org", "a");
    store.giveBack("unknown", "a");
    assertThat(store.tryTake("org", "b", one, 0, lease)).isZero();
    assertThat(store.tryTake("org", "c", one, 0, lease)).isPositive();
  }

  @Test
  void anInProcessStorePausesItsAccountKeepsTheLongerPauseAndHoldsStatedLimits() {
    RateLimit one = RateLimit.builder().maxConcurrency(5).build();
    assertThat(store.renewedLease()).isZero(); // its leases need no renewal
    store.renew("org", java.util.List.of("a"), Duration.ofSeconds(1)); // and renewing is harmless
    store.pause("org", Duration.ofMinutes(10), RateLimit.builder().maxConcurrency(1).build());
    store.pause("org", Duration.ofSeconds(1), null);
    assertThat(store.tryTake("org", "a", one, 0, Duration.ofMillis(1)))
        .isGreaterThan(Duration.ofMinutes(9));
    assertThat(store.tryTake("other", "a", one, 0, Duration.ofMillis(1))).isZero();
  }

  @Test
  void aStoreWrittenAgainstTheFirstContractKeepsItsOldBehaviour() {
    RateLimitStore old =
        new RateLimitStore() {
          @Override
          public Duration tryTake(
              String account, String lease, RateLimit limits, long tokens, Duration leaseFor) {
            return Duration.ZERO;
          }

          @Override
          public void giveBack(String account, String lease) {}
        };
    assertThat(old.renewedLease()).isZero();
    old.renew("org", java.util.List.of("a"), Duration.ofSeconds(1));
    old.pause("org", Duration.ofSeconds(1), null);
    assertThat(old.tryTake("org", "a", RateLimit.tier(1), 0, Duration.ZERO)).isZero();
  }
}
