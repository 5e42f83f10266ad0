package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ManyRequestsTest {

  @Test
  void redrawsOneProgressLineThenPrintsResultsInInputOrderWithTheFailure() {
    Captured c = new Captured();
    assertThat(ManyRequests.run(3, Map.of(), c.out)).isZero();
    String text = c.text();
    assertThat(text)
        .contains("10 requests, at most 3 in flight:\n\r[....................] 0/10 done,")
        .containsPattern(
            "\r\\[####################\\] 10/10 done, 1 failed, 0 in flight, [0-9.]+ s \n");
    // one progress update per finished request, in order, each redrawing the same line
    int from = 0;
    for (int done = 1; done <= 10; done++) {
      int at = text.indexOf("] " + done + "/10 done", from);
      assertThat(at).as("progress %d/10", done).isGreaterThan(from);
      assertThat(text.lastIndexOf('\r', at)).isGreaterThan(text.lastIndexOf('\n', at));
      from = at;
    }
    for (int i = 0; i < ManyRequests.CITIES.size(); i++) {
      String city = ManyRequests.CITIES.get(i);
      String line = String.format("%2d. %-7s ", i + 1, city);
      assertThat(text)
          .contains(
              i == 4
                  ? line
                      + "failed: NotFoundException: Kimi API error (HTTP 404,"
                      + " resource_not_found_error): Not found the model no-such-model"
                  : line + "You said: " + ManyRequests.question(city) + "\n");
    }
    assertThat(text.indexOf(" 1. Lisbon")).isLessThan(text.indexOf("10. Riga"));
    assertThat(text).containsPattern("9 answered, 1 failed, in [0-9.]+ s; \\d+ tokens in all\n");
  }
}
