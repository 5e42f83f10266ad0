package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SubagentsTest {

  @Test
  void fourResearchersRunAtOnceUnderOneSpendLimit() {
    Captured c = new Captured();

    assertThat(Subagents.run(Map.of(), c.out)).isZero();

    String out = c.text();
    for (String region : Subagents.REGIONS) {
      assertThat(out).contains("[start] research_" + region).contains("[done] research_" + region);
    }
    // the four started before the first one was done
    assertThat(out.lastIndexOf("[start] ")).isLessThan(out.indexOf("[done] "));
    assertThat(out).contains("[answer] From the tools: research_north says ");
    Matcher run =
        Pattern.compile(
                "\\[run\\] ([\\d.]+) s for four researchers .*; spent USD ([\\d.]+) of USD 0.50")
            .matcher(out);
    assertThat(run.find()).as(out).isTrue();
    // that they ran at once is told by the order above, not by the wall time, which a busy
    // machine stretches (2.88 s at a load of 30 for services that take 2.4 s one after another)
    assertThat(Double.parseDouble(run.group(1))).isPositive();
    assertThat(new BigDecimal(run.group(2))).isPositive().isLessThanOrEqualTo(Subagents.LIMIT);
  }
}
