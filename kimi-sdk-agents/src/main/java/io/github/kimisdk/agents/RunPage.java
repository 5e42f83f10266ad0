package io.github.kimisdk.agents;

import java.util.List;
import java.util.Objects;

/**
 * Holds one page of runs a store found ({@link RunStore#list}), oldest save first.
 *
 * @param runs the runs, with their claims as the store held them when it listed
 * @param next the token of the next page ({@link RunQuery#after(String)}), or null after the last
 */
public record RunPage(List<RunSummary> runs, String next) {
  /**
   * Copies the runs.
   *
   * @param runs the runs
   * @param next the next page's token, or null
   * @throws NullPointerException if {@code runs} is null
   */
  public RunPage {
    runs = List.copyOf(Objects.requireNonNull(runs, "runs must not be null"));
  }

  /**
   * Makes the page of the first {@code limit} of {@code sorted} (the runs after the query's token,
   * oldest save first): its token is the last run's when more may follow.
   */
  static RunPage of(List<RunSummary> sorted, int limit) {
    if (sorted.size() <= limit) {
      return new RunPage(sorted, null);
    }
    List<RunSummary> page = sorted.subList(0, limit);
    return new RunPage(page, RunQuery.token(page.get(page.size() - 1)));
  }
}
