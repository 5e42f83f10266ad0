package io.github.kimisdk.testing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The errors {@link FakeKimiServer#failCalls} (and {@code --errors}) answers a share of chat calls
 * with, each in the words of the server's {@link FakeDialect}, chosen by a rule a test can predict:
 * no randomness. With {@code T} the sum of the shares, call {@code i} (0 for the first counted)
 * fails when {@code floor((i+1)T) > floor(iT)}; a failing call takes the first kind, in the order
 * given, that has failed fewer calls than its part of the first {@code i+1}: {@code floor((i+1)S) -
 * floor((i+1)S')}, {@code S} the sum of the shares up to and including that kind and {@code S'} the
 * sum before it. So the calls of each kind are spread evenly and their count after {@code n} calls
 * is within one of {@code n} times its share. Shares are decimals, computed exactly ({@code 0.29}
 * fails 29 calls of 100, never 28).
 *
 * <p>Thread model: {@link #next} is called from the server's exchange threads, several at once; the
 * counters are guarded by this. The kinds and shares never change: a new spec is a new object.
 */
final class FakeErrors {

  /** The errors that a share of calls can get, by their name in a spec. */
  enum Kind {
    /**
     * 429 {@code exceeded_current_quota_error}: the Moonshot account's balance is spent; never
     * retried. In another dialect, Kimi's status and words in the host's envelope, as a gateway
     * passes a Moonshot account's error on.
     */
    QUOTA("quota"),
    /**
     * 429 {@code rate_limit_reached_error} with {@code Retry-After}: Kimi's organisation limit; in
     * another dialect as {@link #QUOTA} is.
     */
    RATE_LIMIT("rate-limit"),
    /**
     * The host's overload: Moonshot's 429 {@code engine_overloaded_error}, vLLM's and SGLang's full
     * queue, OpenRouter's 502, .... ({@link FakeDialect#overloaded}).
     */
    OVERLOADED("overloaded"),
    /**
     * The host's full queue: vLLM's 503 "The engine is currently busy ...", SGLang's "The request
     * queue is full." (a 503, or for a stream an error event naming 503 on its 200), the others
     * SGLang's words in their envelope ({@link FakeDialect#queueFull}).
     */
    QUEUE_FULL("queue-full"),
    /**
     * A streamed call's 200 cut after its first chunk of output and failed there, as the host fails
     * a stream ({@link FakeDialect#failStream}); a call that is not streamed is answered as usual.
     */
    STREAM_ERROR("stream-error");

    final String spec;

    Kind(String spec) {
      this.spec = spec;
    }

    /**
     * The answer of one failed call {@code request}, exactly as the host of {@code dialect} sends
     * it (Moonshot's with its request id); null for {@link #STREAM_ERROR}, which fails the answer
     * itself.
     */
    FakeResponse response(FakeDialect dialect, RecordedRequest request) {
      return switch (this) {
        case QUOTA ->
            dialect.own(
                429,
                "exceeded_current_quota_error",
                "You exceeded your current token quota: <org-fake> 0, please check your account"
                    + " balance");
        case RATE_LIMIT ->
            dialect
                .own(
                    429,
                    "rate_limit_reached_error",
                    "Your account org-fake<ak-fake> request reached organization max RPM: 3,"
                        + " please try again after 1 seconds")
                .withHeader("Retry-After", "1");
        case OVERLOADED -> dialect.overloaded(request);
        case QUEUE_FULL -> dialect.queueFull(request);
        case STREAM_ERROR -> null;
      };
    }

    static Kind of(String name) {
      for (Kind k : values()) {
        if (k.spec.equals(name)) {
          return k;
        }
      }
      List<String> names = new ArrayList<>();
      for (Kind k : values()) {
        names.add(k.spec);
      }
      throw new IllegalArgumentException(
          "unknown error kind '" + name + "': use " + String.join(", ", names));
    }
  }

  /** The spec that switches every error off. */
  static final FakeErrors NONE = new FakeErrors(List.of(), List.of());

  private final List<Kind> kinds;
  private final List<BigDecimal> upTo; // the sum of the shares up to and including each kind
  private final long[] failed; // guarded by this: calls failed with each kind
  private long calls; // guarded by this: calls counted

  private FakeErrors(List<Kind> kinds, List<BigDecimal> upTo) {
    this.kinds = List.copyOf(kinds);
    this.upTo = List.copyOf(upTo);
    this.failed = new long[kinds.size()];
  }

  /**
   * Reads a spec, {@code KIND=SHARE[,KIND=SHARE...]}: each kind once, each share a decimal in (0,
   * 1], their sum at most 1; blank for none.
   *
   * @throws IllegalArgumentException saying what is wrong and what is taken
   */
  static FakeErrors parse(String spec) {
    if (spec.isBlank()) {
      return NONE;
    }
    List<Kind> kinds = new ArrayList<>();
    List<BigDecimal> upTo = new ArrayList<>();
    BigDecimal sum = BigDecimal.ZERO;
    for (String part : spec.split(",", -1)) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "'" + part.strip() + "' is not KIND=SHARE, such as quota=0.5");
      }
      Kind kind = Kind.of(part.substring(0, eq).strip().toLowerCase(Locale.ROOT));
      if (kinds.contains(kind)) {
        throw new IllegalArgumentException("error kind '" + kind.spec + "' is named twice");
      }
      String value = part.substring(eq + 1).strip();
      BigDecimal share;
      try {
        share = value.matches("[0-9]*\\.?[0-9]+") ? new BigDecimal(value) : null;
      } catch (NumberFormatException e) {
        share = null;
      }
      if (share == null || share.signum() <= 0 || share.compareTo(BigDecimal.ONE) > 0) {
        throw new IllegalArgumentException(
            "the share of '" + kind.spec + "' must be a decimal in (0, 1], such as 0.5: " + value);
      }
      sum = sum.add(share);
      kinds.add(kind);
      upTo.add(sum);
    }
    if (sum.compareTo(BigDecimal.ONE) > 0) {
      throw new IllegalArgumentException(
          "the shares add up to " + sum.toPlainString() + ", more than every call: " + spec);
    }
    return new FakeErrors(kinds, upTo);
  }

  /** Counts one call and returns the kind it fails with, or null when it is answered as usual. */
  synchronized Kind next() {
    if (kinds.isEmpty()) {
      return null;
    }
    long i = calls++;
    BigDecimal total = upTo.get(upTo.size() - 1);
    if (floor(i + 1, total) == floor(i, total)) {
      return null;
    }
    long before = 0;
    for (int k = 0; k < kinds.size(); k++) {
      long through = floor(i + 1, upTo.get(k));
      if (failed[k] < through - before) {
        failed[k]++;
        return kinds.get(k);
      }
      before = through;
    }
    throw new AssertionError("call " + i + " fails, but no kind is behind its share");
  }

  private static long floor(long n, BigDecimal share) {
    return BigDecimal.valueOf(n).multiply(share).setScale(0, RoundingMode.FLOOR).longValueExact();
  }

  /** The spec in its canonical form: {@code quota=0.5,rate-limit=0.1}, or empty for none. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    BigDecimal before = BigDecimal.ZERO;
    for (int k = 0; k < kinds.size(); k++) {
      BigDecimal share = upTo.get(k).subtract(before).stripTrailingZeros();
      parts.add(kinds.get(k).spec + "=" + share.toPlainString());
      before = upTo.get(k);
    }
    return String.join(",", parts);
  }
}
