package io.github.kimisdk.base.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A server's text escaped for a message or a log line, a row per kind of character. */
class UntrustedTest {

  /** Each kind of character, what it becomes. */
  private static final String[][] TABLE = {
    {"line feed", "a\nb", "a\\nb"},
    {"carriage return", "a\rb", "a\\rb"},
    {"tab", "a\tb", "a\\tb"},
    {"escape", "a\u001b[31mb", "a\\u001b[31mb"},
    {"nul", "a\u0000b", "a\\u0000b"},
    {"delete", "a\u007fb", "a\\u007fb"},
    {"c1 control", "a\u0085b", "a\\u0085b"},
    {"line separator", "a\u2028b", "a\\u2028b"},
    {"paragraph separator", "a\u2029b", "a\\u2029b"},
    {"right-to-left override", "a\u202eb", "a\\u202eb"},
    {"isolate", "a\u2066b", "a\\u2066b"},
    {"arabic letter mark", "a\u061cb", "a\\u061cb"},
    {"plain", "error: invalid_grant", "error: invalid_grant"},
    {"backslash kept", "C:\\path", "C:\\path"},
    {
      "non-ascii kept",
      "\u00fcberpr\u00fcft \u4e16\u754c \ud83d\ude00",
      "\u00fcberpr\u00fcft \u4e16\u754c \ud83d\ude00"
    },
  };

  @Test
  void controlCharactersAreEscapedAndNothingElse() {
    for (String[] row : TABLE) {
      assertThat(Untrusted.escape(row[1])).as(row[0]).isEqualTo(row[2]);
    }
  }

  @Test
  void aForgedLogLineStaysOnItsLine() {
    String forged = "denied\r\n2026-11-26 INFO  io.github.kimisdk: token accepted for admin";
    assertThat(Untrusted.escape(forged)).doesNotContain("\n", "\r").startsWith("denied\\r\\n2026");
  }

  @Test
  void textWithoutControlsIsReturnedAsItIsAndNullStaysNull() {
    String s = "no controls here";
    assertThat(Untrusted.escape(s)).isSameAs(s);
    assertThat(Untrusted.escape(null)).isNull();
  }
}
