package io.github.kimisdk.platform;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The account balance from {@code GET /users/me/balance}, in the platform's currency (CNY on the
 * China endpoint). Amounts are exact decimals as the server wrote them.
 *
 * @param available what inference can spend: cash plus vouchers; at or below zero, calls fail
 * @param voucher the voucher (gift) balance
 * @param cash the cash balance; negative when the account is in arrears
 */
public record Balance(BigDecimal available, BigDecimal voucher, BigDecimal cash) {

  /**
   * Validates the amounts.
   *
   * @param available what inference can spend: cash plus vouchers; at or below zero, calls fail
   * @param voucher the voucher (gift) balance
   * @param cash the cash balance; negative when the account is in arrears
   * @throws NullPointerException if an amount is null
   */
  public Balance {
    Objects.requireNonNull(available, "available");
    Objects.requireNonNull(voucher, "voucher");
    Objects.requireNonNull(cash, "cash");
  }

  /**
   * Tells whether the available balance is above zero, so inference calls can be billed.
   *
   * @return true if {@code available > 0}
   */
  public boolean canSpend() {
    return available.signum() > 0;
  }
}
