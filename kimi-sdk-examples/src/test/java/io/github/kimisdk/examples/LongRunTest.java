package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LongRunTest {

  @Test
  void theRunFinishesUnderItsThresholdThroughItsCompactions() {
    Captured c = new Captured();

    assertThat(LongRun.run(Map.of(), c.out)).isZero();

    String out = c.text();
    assertThat(out)
        .contains("[tool] read_document: ")
        .contains("[compacted] before step ")
        .contains("messages replaced by a summary kimi-k3 wrote")
        .contains("from the cache")
        .contains("prefix cache given up")
        .contains("[answer] ");
    Matcher run =
        Pattern.compile(
                "\\[run\\] (\\d+) steps, (\\d+) compactions, [\\d,]+ tokens in all; the largest"
                    + " request ([\\d,]+) prompt tokens, the threshold 12,000")
            .matcher(out);
    assertThat(run.find()).as(out).isTrue();
    assertThat(Integer.parseInt(run.group(1))).isEqualTo(LongRun.DOCUMENTS + 1);
    assertThat(Integer.parseInt(run.group(2))).isGreaterThanOrEqualTo(2);
    assertThat(Integer.parseInt(run.group(3).replace(",", ""))).isLessThanOrEqualTo(12_000);
    // the documents add up to more than twice the threshold, each under the limit of one result
    assertThat(LongRun.DOCUMENTS * LongRun.DOCUMENT_TOKENS).isGreaterThan(2 * LongRun.THRESHOLD);
    assertThat(out).doesNotContain("[cut] ");
  }
}
