package io.github.kimisdk.platform;

import io.github.kimisdk.base.text.RecordText;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Kimi Code's quota, as {@link io.github.kimisdk.KimiCode#usages()} reads it: the plan's summary,
 * each limited window and the booster wallet.
 *
 * @param plan the plan-wide summary (Moonshot's client shows it as the weekly limit, since the
 *     server gives it no window); null when absent
 * @param windows the limited windows, such as the 5-hour one, in the server's order
 * @param booster the booster wallet (extra paid usage), when the account has one
 */
public record CodeUsage(
    UsageWindow plan, List<UsageWindow> windows, Optional<BoosterWallet> booster) {

  /**
   * Copies the windows.
   *
   * @param plan the plan-wide summary; null when absent
   * @param windows the limited windows
   * @param booster the booster wallet, or empty
   */
  public CodeUsage {
    windows = List.copyOf(windows);
    booster = Objects.requireNonNull(booster, "booster");
  }

  /**
   * Returns the window closest to its limit (the plan summary included), the one that stops calls
   * first.
   *
   * @return the fullest window, or empty when there is none
   */
  public Optional<UsageWindow> tightest() {
    UsageWindow best = plan;
    for (UsageWindow w : windows) {
      if (best == null || w.fraction() > best.fraction()) {
        best = w;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("CodeUsage")
        .add("plan", plan)
        .add("windows", windows)
        .add("booster", booster)
        .toString();
  }
}
