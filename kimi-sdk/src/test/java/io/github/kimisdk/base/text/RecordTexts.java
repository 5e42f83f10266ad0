package io.github.kimisdk.base.text;

import static org.assertj.core.api.Assertions.assertThat;

/** The table assertion of the record {@code toString} tests, for the tests of every package. */
public final class RecordTexts {

  private RecordTexts() {}

  /**
   * Asserts that each value prints as the text after it.
   *
   * @param valueThenText a value, its text, the next value, its text, ...
   */
  public static void assertPrints(Object... valueThenText) {
    assertThat(valueThenText.length % 2).as("values and texts come in pairs").isZero();
    for (int i = 0; i < valueThenText.length; i += 2) {
      assertThat(valueThenText[i].toString()).as("row %d", i / 2).isEqualTo(valueThenText[i + 1]);
    }
  }
}
