package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.budget.Budget;
import io.github.kimisdk.budget.BudgetStore;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spring.ai.kimi.budgets.<name>.*} properties: the budgets the auto-configured client's
 * calls count against ({@link Budget}), each under its name, in money ({@code spend}, with {@code
 * currency}) or in tokens ({@code tokens}), per calendar day or month or a rolling window, for
 * every call, per tenant or tag, or for one; with {@code shared=true}, kept in the application's
 * {@link BudgetStore} (the one kimi-sdk-redis builds on its Redis), so that every process of the
 * application spends one budget.
 *
 * <pre>
 * spring.ai.kimi.budgets.fleet-daily.spend=50.00
 * spring.ai.kimi.budgets.fleet-daily.shared=true
 * spring.ai.kimi.budgets.tenant-monthly.spend=5.00
 * spring.ai.kimi.budgets.tenant-monthly.period=month
 * spring.ai.kimi.budgets.tenant-monthly.per=tenant
 * </pre>
 */
@ConfigurationProperties(KimiConnectionProperties.PREFIX)
public class KimiBudgetProperties {

  /** The prefix of the budgets: {@value}. */
  public static final String BUDGETS = KimiConnectionProperties.PREFIX + ".budgets";

  /**
   * The budgets, by name (spring.ai.kimi.budgets.NAME.spend or .tokens, .currency, .period,
   * .window, .zone, .per, .tenant, .tag, .fall-back, .shared).
   */
  private Map<String, Entry> budgets = new LinkedHashMap<>();

  /** Creates the properties with no budget. */
  public KimiBudgetProperties() {}

  /**
   * Returns the budgets, by name.
   *
   * @return the budgets
   */
  public Map<String, Entry> getBudgets() {
    return budgets;
  }

  /**
   * Sets the budgets ({@code spring.ai.kimi.budgets.<name>.*}).
   *
   * @param budgets the budgets, by name
   */
  public void setBudgets(Map<String, Entry> budgets) {
    this.budgets = budgets;
  }

  /**
   * Returns the budgets these properties set, in their order.
   *
   * @param store the application's store of budgets, or null when it has none
   * @return the budgets
   * @throws IllegalStateException if a budget's properties are missing, contradict each other or
   *     are out of range, naming them
   */
  public List<Budget> toBudgets(BudgetStore store) {
    List<Budget> out = new ArrayList<>();
    budgets.forEach((name, e) -> out.add(e.toBudget(name, store)));
    return out;
  }

  /** One budget's properties. */
  public static class Entry {

    /** The most spent per period, an amount of the currency, such as 50.00; or set tokens. */
    private String spend;

    /** The currency of spend, an ISO 4217 code: USD unless set. */
    private String currency = "USD";

    /** The most tokens per period (prompt and output), in place of spend. */
    private Long tokens;

    /** What the limit holds for: day (the default), month, or rolling (a window of window). */
    private String period = "day";

    /** The rolling window of period=rolling, such as 1h. */
    private Duration window;

    /** The time zone of a calendar day or month, such as Europe/Berlin: UTC unless set. */
    private ZoneId zone;

    /**
     * A counter for each tenant (tenant), each tag (tag), or each tag of each tenant (tenant,tag);
     * unset, one for every call.
     */
    private String per;

    /**
     * Counts only the calls of this tenant (named by the call's options, RequestOptions.tenant, or
     * a KimiClient.withCredentials account).
     */
    private String tenant;

    /** Counts only the calls carrying this tag (RequestOptions.Builder.tag). */
    private String tag;

    /** Whether a call the budget refuses goes on to the next fallback target instead of failing. */
    private boolean fallBack;

    /**
     * Whether the budget is kept in the application's BudgetStore (kimi-sdk-redis's, on
     * spring.data.redis.*), one budget for every process; else each process counts its own.
     */
    private boolean shared;

    /** Creates the properties with nothing set. */
    public Entry() {}

    /**
     * Returns the budget these properties set, named {@code name}.
     *
     * @throws KimiSettingsException naming the property at fault
     */
    Budget toBudget(String name, BudgetStore store) {
      String p = BUDGETS + "." + name;
      if ((spend == null) == (tokens == null)) {
        throw new KimiSettingsException(
            p + " sets " + (spend == null ? "neither" : "both") + " .spend and .tokens.",
            "Set " + p + ".spend (an amount of .currency, USD unless set) or " + p + ".tokens.");
      }
      try {
        Budget.Builder b =
            spend != null ? Budget.spend(name, currency, spend) : Budget.tokens(name, tokens);
        ZoneId z = zone == null ? java.time.ZoneOffset.UTC : zone;
        switch (period) {
          case "day" -> b.period(Budget.Period.day(z));
          case "month" -> b.period(Budget.Period.month(z));
          case "rolling" -> {
            if (window == null) {
              throw new KimiSettingsException(
                  p + ".period is rolling, and " + p + ".window is not set.",
                  "Set " + p + ".window, such as " + p + ".window=1h.");
            }
            b.period(Budget.Period.rolling(window));
          }
          default ->
              throw new KimiSettingsException(
                  p + ".period is " + period + ".",
                  "Set " + p + ".period to day, month or rolling (with .window).");
        }
        if (per != null || tenant != null || tag != null) {
          scope(b, p);
        }
        if (fallBack) {
          b.fallBack();
        }
        if (shared) {
          if (store == null) {
            throw new KimiSettingsException(
                p + ".shared is true, and the application has no BudgetStore to keep it in.",
                "Add kimi-sdk-redis and Spring Data Redis and set "
                    + KimiRateLimitProperties.PREFIX
                    + ".account (its stores are built on spring.data.redis.*), or define a"
                    + " BudgetStore bean; or unset "
                    + p
                    + ".shared.");
          }
          b.store(store);
        }
        return b.build();
      } catch (IllegalArgumentException wrong) {
        throw new KimiSettingsException(
            p + " cannot be built: " + wrong.getMessage(),
            "Fix " + p + ".* as the description says.",
            wrong);
      }
    }

    /**
     * Scopes {@code b} by tenant, by tag, or both: a tenant's counter each ({@code per} naming
     * tenant) or one tenant's ({@code tenant}), and a tag's counter each ({@code per} naming tag)
     * or one tag's ({@code tag}).
     */
    private void scope(Budget.Builder b, String p) {
      boolean perTenant = false;
      boolean perTag = false;
      if (per != null) {
        for (String each : per.split(",", -1)) {
          switch (each.strip()) {
            case "tenant" -> perTenant = true;
            case "tag" -> perTag = true;
            default ->
                throw new KimiSettingsException(
                    p + ".per is " + per + ".", "Set " + p + ".per to tenant, tag, or tenant,tag.");
          }
        }
      }
      if (perTenant && tenant != null || perTag && tag != null) {
        throw new KimiSettingsException(
            p
                + " sets .per="
                + (perTenant && tenant != null ? "tenant" : "tag")
                + " and ."
                + (perTenant && tenant != null ? "tenant" : "tag")
                + ".",
            "Set one for each: .per=tenant or .tenant, and .per=tag or .tag.");
      }
      if (perTenant) {
        b.perTenant();
      } else if (tenant != null) {
        b.forTenant(tenant);
      }
      if (perTag) {
        b.perTag();
      } else if (tag != null) {
        b.forTag(tag);
      }
    }

    /**
     * Returns the most spent per period.
     *
     * @return the amount, or null
     */
    public String getSpend() {
      return spend;
    }

    /**
     * Sets the most spent per period ({@code spend}).
     *
     * @param spend an amount of the currency
     */
    public void setSpend(String spend) {
      this.spend = spend;
    }

    /**
     * Returns the currency of spend.
     *
     * @return the ISO 4217 code
     */
    public String getCurrency() {
      return currency;
    }

    /**
     * Sets the currency of spend ({@code currency}).
     *
     * @param currency an ISO 4217 code
     */
    public void setCurrency(String currency) {
      this.currency = currency;
    }

    /**
     * Returns the most tokens per period.
     *
     * @return the tokens, or null
     */
    public Long getTokens() {
      return tokens;
    }

    /**
     * Sets the most tokens per period ({@code tokens}).
     *
     * @param tokens the tokens
     */
    public void setTokens(Long tokens) {
      this.tokens = tokens;
    }

    /**
     * Returns the period.
     *
     * @return day, month or rolling
     */
    public String getPeriod() {
      return period;
    }

    /**
     * Sets the period ({@code period}).
     *
     * @param period day, month or rolling
     */
    public void setPeriod(String period) {
      this.period = period;
    }

    /**
     * Returns the rolling window.
     *
     * @return the window, or null
     */
    public Duration getWindow() {
      return window;
    }

    /**
     * Sets the rolling window ({@code window}).
     *
     * @param window the window
     */
    public void setWindow(Duration window) {
      this.window = window;
    }

    /**
     * Returns the time zone of a calendar period.
     *
     * @return the zone, or null for UTC
     */
    public ZoneId getZone() {
      return zone;
    }

    /**
     * Sets the time zone of a calendar period ({@code zone}).
     *
     * @param zone the zone
     */
    public void setZone(ZoneId zone) {
      this.zone = zone;
    }

    /**
     * Returns what a counter is kept for each of.
     *
     * @return tenant, tag, or null
     */
    public String getPer() {
      return per;
    }

    /**
     * Sets what a counter is kept for each of ({@code per}).
     *
     * @param per tenant, tag, or tenant,tag
     */
    public void setPer(String per) {
      this.per = per;
    }

    /**
     * Returns the one tenant counted.
     *
     * @return the tenant's account, or null
     */
    public String getTenant() {
      return tenant;
    }

    /**
     * Sets the one tenant counted ({@code tenant}).
     *
     * @param tenant the tenant's account
     */
    public void setTenant(String tenant) {
      this.tenant = tenant;
    }

    /**
     * Returns the one tag counted.
     *
     * @return the tag, or null
     */
    public String getTag() {
      return tag;
    }

    /**
     * Sets the one tag counted ({@code tag}).
     *
     * @param tag the tag
     */
    public void setTag(String tag) {
      this.tag = tag;
    }

    /**
     * Returns whether a refused call goes on to the next fallback target.
     *
     * @return true when it falls back
     */
    public boolean isFallBack() {
      return fallBack;
    }

    /**
     * Sets whether a refused call goes on to the next fallback target ({@code fall-back}).
     *
     * @param fallBack true to fall back
     */
    public void setFallBack(boolean fallBack) {
      this.fallBack = fallBack;
    }

    /**
     * Returns whether the budget is kept in the application's store.
     *
     * @return true when shared
     */
    public boolean isShared() {
      return shared;
    }

    /**
     * Sets whether the budget is kept in the application's store ({@code shared}).
     *
     * @param shared true to share it
     */
    public void setShared(boolean shared) {
      this.shared = shared;
    }
  }
}
