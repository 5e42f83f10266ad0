package io.github.kimisdk.platform;

import io.github.kimisdk.base.text.RecordText;
import java.math.BigDecimal;

/**
 * Kimi Code's booster wallet: extra paid usage beyond the plan. The units follow Moonshot's client
 * (amounts are fixed-point, divided by a million to give cents); Kimi does not document them.
 *
 * @param balanceCents what was put in, in cents
 * @param leftCents what is left, in cents
 * @param monthlyChargeLimitEnabled whether a monthly cap is set
 * @param monthlyChargeLimitCents the monthly cap in cents, 0 when absent
 * @param monthlyUsedCents what was charged this month, in cents
 * @param currency the currency of the monthly figures, such as {@code USD}; null when absent
 */
public record BoosterWallet(
    BigDecimal balanceCents,
    BigDecimal leftCents,
    boolean monthlyChargeLimitEnabled,
    long monthlyChargeLimitCents,
    long monthlyUsedCents,
    String currency) {
  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("BoosterWallet")
        .add("balanceCents", balanceCents)
        .add("leftCents", leftCents)
        .flag("monthlyChargeLimitEnabled", monthlyChargeLimitEnabled)
        .add("monthlyChargeLimitCents", monthlyChargeLimitCents)
        .add("monthlyUsedCents", monthlyUsedCents)
        .add("currency", currency)
        .toString();
  }
}
