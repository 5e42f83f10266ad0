package io.github.kimisdk.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonExceptionTest {

  @Test
  void messageNamesLineColumnOffsetAndPath() {
    JsonException e = new JsonException("Expected ':'", 3, 7, 42, "$.a[2]");
    assertThat(e).hasMessage("Expected ':' at line 3 column 7 (offset 42) path $.a[2]");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.column()).isEqualTo(7);
    assertThat(e.offset()).isEqualTo(42);
    assertThat(e.path()).isEqualTo("$.a[2]");
  }

  @Test
  void conversionFailureHasNoPosition() {
    JsonException e = new JsonException("12345678901234567890 does not fit in an int");
    assertThat(e.line()).isEqualTo(-1);
    assertThat(e.column()).isEqualTo(-1);
    assertThat(e.offset()).isEqualTo(-1);
    assertThat(e.path()).isEmpty();
  }
}
