package io.github.kimisdk.base.bind;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import org.junit.jupiter.api.Test;

/** How a JSON value's kind is named in a message, a row per kind of value. */
class JsonKindTest {

  /** Each value, the words that name its kind. */
  private static final String[][] TABLE = {
    {"{\"key\":\"sk-secret\"}", "an object"},
    {"[1,2]", "an array"},
    {"\"sk-secret\"", "a string"},
    {"3.5", "a number"},
    {"true", "a boolean"},
    {"null", "null"},
  };

  @Test
  void namesEachKindOfValueAndNeverItsContent() {
    for (String[] row : TABLE) {
      String named = JsonKind.of(Json.parse(row[0]).type());
      assertThat(named).as(row[0]).isEqualTo(row[1]).doesNotContain("secret");
    }
  }
}
