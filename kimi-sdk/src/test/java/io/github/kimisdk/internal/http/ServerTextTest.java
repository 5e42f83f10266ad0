package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * Every scan over server text is linear: each is fed adversarial inputs of 1 MiB through a
 * character sequence that counts its reads, and the reads are bounded by a small multiple of the
 * input's length (the regular expressions these scans replaced read some of them about n² / 2
 * times). The cut and the redaction of what is kept are pinned too.
 */
class ServerTextTest {

  static final String R = ServerText.REDACTED;

  static final int MIB = 1 << 20;

  /** A character sequence that counts every character read from it, and from its slices. */
  static final class Counting implements CharSequence {
    final String s;
    final long[] reads;
    final int from;
    final int to;

    Counting(String s) {
      this(s, new long[1], 0, s.length());
    }

    private Counting(String s, long[] reads, int from, int to) {
      this.s = s;
      this.reads = reads;
      this.from = from;
      this.to = to;
    }

    @Override
    public int length() {
      return to - from;
    }

    @Override
    public char charAt(int index) {
      reads[0]++;
      return s.charAt(from + index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Counting(s, reads, from + start, from + end);
    }

    @Override
    public String toString() {
      reads[0] += length();
      return s.substring(from, to);
    }
  }

  static Map<String, String> adversarial() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("open angles", "<".repeat(MIB));
    m.put("spaces", " ".repeat(MIB));
    m.put("html then angles", "<html><title>" + "<".repeat(MIB));
    m.put("html then spaces", "<html>" + " ".repeat(MIB) + "x");
    m.put("unclosed titles", "<html>" + "<title ".repeat(MIB / 7));
    m.put("almost titles", "<html>" + "<titles".repeat(MIB / 7));
    m.put("closed tags", "<html>" + "<a>".repeat(MIB / 3));
    m.put("limits without numbers", "limit ".repeat(MIB / 6));
    m.put("limit then spaces", "limit" + " ".repeat(MIB));
    m.put("limit: then spaces", "limit:" + " ".repeat(MIB) + "x");
    m.put("long number", "limit " + "9".repeat(MIB));
    m.put("anchors", "TPM rate limit".repeat(MIB / 14));
    m.put("try again", "try again in ".repeat(MIB / 13));
    m.put("try again digits", "try again in " + "1".repeat(MIB) + "x");
    m.put("try again fractions", "try again in 1.".repeat(MIB / 15));
    m.put("tpd inside words", "xtpdx".repeat(MIB / 5));
    m.put("redactable", "sk-abc".repeat(MIB / 6));
    return m;
  }

  static void assertLinear(String name, ToLongFunction<CharSequence> scan, int perChar) {
    for (Map.Entry<String, String> e : adversarial().entrySet()) {
      Counting c = new Counting(e.getValue());
      scan.applyAsLong(c);
      assertThat(c.reads[0])
          .as("%s over %s", name, e.getKey())
          .isLessThanOrEqualTo((long) perChar * e.getValue().length());
    }
  }

  @Test
  void everyScanOfServerTextReadsEachCharacterABoundedNumberOfTimes() {
    assertLinear("excerpt", t -> String.valueOf(ServerText.excerpt(t)).length(), 40);
    assertLinear("fold", t -> String.valueOf(ServerText.fold(t, true)).length(), 4);
    assertLinear("element", t -> ServerText.element(t, "title") == null ? 0 : 1, 20);
    assertLinear(
        "lastNumberAfter",
        t -> ServerText.lastNumberAfter(t, "token limit", "limit", "max", "requested"),
        40);
    assertLinear(
        "numberAfterAnchor", t -> ServerText.numberAfterAnchor(t, "TPM rate limit", "limit:"), 40);
    assertLinear("numberAfterAnchor", t -> ServerText.numberAfterAnchor(t, "max RPM:", ""), 20);
    assertLinear("tryAgainSeconds", t -> (long) ServerText.tryAgainSeconds(t), 40);
    assertLinear("containsWord", t -> ServerText.containsWord(t, "TPD") ? 1 : 0, 10);
    assertLinear(
        "containsAny",
        t -> ServerText.containsAny(t, "exceeded model token limit", "prompt is too long") ? 1 : 0,
        60);
  }

  @Test
  void theScansFindWhatTheRegularExpressionsFound() {
    assertThat(ServerText.excerpt("<html><head><TITLE lang=en>502 Bad\n Gateway</title>"))
        .isEqualTo("502 Bad Gateway");
    assertThat(ServerText.excerpt("<html><body><h1>Down <b>now</b></h1></body></html>"))
        .isEqualTo("Down now");
    assertThat(ServerText.excerpt("<html><titles>x</titles><title>real</title>")).isEqualTo("real");
    assertThat(ServerText.excerpt("  plain\ttext\r\n here ")).isEqualTo("plain text here");
    assertThat(ServerText.excerpt("a".repeat(400))).hasSize(303).endsWith("...");
    assertThat(ServerText.excerpt(" \n ")).isNull();
    assertThat(
            ServerText.lastNumberAfter(
                "Invalid request: token limit: 8192, requested 9000", "token limit", "limit"))
        .isEqualTo(8192);
    assertThat(ServerText.lastNumberAfter("limit 1 then limit = 7", "limit")).isEqualTo(7);
    assertThat(ServerText.lastNumberAfter("no numbers", "limit")).isEqualTo(-1);
    assertThat(ServerText.lastNumberAfter("limit 99999999999999999999", "limit"))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(
            ServerText.numberAfterAnchor(
                "TPM rate limit reached, current: 9, limit: 10", "TPM rate limit", "limit:"))
        .isEqualTo(10);
    assertThat(ServerText.numberAfterAnchor("max RPM: 3, max concurrency: 2", "max RPM:", ""))
        .isEqualTo(3);
    assertThat(ServerText.tryAgainSeconds("please try again in 2.5s")).isEqualTo(2.5);
    assertThat(ServerText.tryAgainSeconds("Try again after 3 seconds.")).isEqualTo(3.0);
    assertThat(ServerText.tryAgainSeconds("try again in 3 sec")).isEqualTo(3.0);
    assertThat(ServerText.tryAgainSeconds("try again in 3 minutes")).isEqualTo(-1);
    assertThat(ServerText.tryAgainSeconds("try again in 3seconds2")).isEqualTo(-1);
    assertThat(ServerText.tryAgainSeconds("try again later; try again in 4s")).isEqualTo(4.0);
    assertThat(ServerText.containsWord("TPD limit", "TPD")).isTrue();
    assertThat(ServerText.containsWord("over (tpd)", "TPD")).isTrue();
    assertThat(ServerText.containsWord("XTPD_", "TPD")).isFalse();
    assertThat(ServerText.containsWord("TPDs", "TPD")).isFalse();
  }

  @Test
  void keptTextIsCutOnACharacterBoundaryWithItsLengthSaid() {
    ServerText text = new ServerText(null);
    assertThat(text.keep("short", 10)).isEqualTo("short");
    assertThat(text.keep("0123456789abc", 10))
        .isEqualTo("0123456789... [cut: 13 characters in all]");
    String emoji = "ab\uD83D\uDE00cd"; // a surrogate pair at positions 2 and 3
    assertThat(text.keep(emoji, 3)).isEqualTo("ab... [cut: 6 characters in all]");
    assertThat(text.keep(null, 3)).isNull();
  }

  @Test
  void keptTextHasItsControlCharactersEscapedAfterTheKeyIsRedacted() {
    String key = "sk-secret-0123456789";
    ServerText text = new ServerText(ApiKey.of(key));
    assertThat(text.keep("bad key\r\n\u001b[2KINFO ok " + key, 4096))
        .isEqualTo("bad key\\r\\n\\u001b[2KINFO ok [API key redacted]");
  }

  @Test
  void theKeyIsRedactedWhereverItAppearsAndBeforeTheCut() {
    String key = "sk-secret-0123456789";
    ServerText text = new ServerText(ApiKey.of(key));
    assertThat(text.keep("Incorrect API key provided: Bearer " + key + ".", 4096))
        .isEqualTo("Incorrect API key provided: Bearer [API key redacted].");
    assertThat(text.redact(key + key + "x")).isEqualTo("[API key redacted][API key redacted]x");
    // a key that straddles the cut is not left half-visible
    String straddling = "x".repeat(95) + key;
    assertThat(text.keep(straddling, 100)).doesNotContain("sk-secret").startsWith("x".repeat(95));
    assertThat(new ServerText(ApiKey.of("")).redact("anything")).isEqualTo("anything");
  }

  @Test
  void aKeyShorterThanARealOneIsRedactedOnlyAsAWholeBearerToken() {
    // key, server text, what is kept
    String[][] table = {
      {"k", "Invalid request: Your request exceeded model token limit: 8192", null},
      {"k", "Incorrect API key provided: Bearer k", "Incorrect API key provided: Bearer " + R},
      {"k", "header was 'bearer k', not valid", "header was 'bearer " + R + "', not valid"},
      {"k", "Bearer kimi is not a key", null},
      {"k", "xBearer k", null},
      {"test", "Not found the model test-model or Permission denied", null},
      {"test", "Bearer test-model", null},
      {"test", "Bearer test.", "Bearer " + R + "."},
      {"test", "Bearer test and Bearer test", "Bearer " + R + " and Bearer " + R},
      {"offline-demo-key", "the key offline-demo-key is unknown", null},
      {"offline-demo-key", "Authorization: Bearer offline-demo-key", "Authorization: Bearer " + R},
      {"sk-0123456789abcdef", "sk-0123456789abcdef-model", null},
      // from MIN_SEARCHED_KEY characters on, the key is redacted wherever it appears
      {"sk-0123456789abcdefg", "sk-0123456789abcdefg-model", R + "-model"},
      {"sk-0123456789abcdefg", "Bearer sk-0123456789abcdefgh", "Bearer " + R + "h"},
    };
    assertThat("sk-0123456789abcdefg").hasSize(ServerText.MIN_SEARCHED_KEY);
    for (String[] row : table) {
      ServerText text = new ServerText(ApiKey.of(row[0]));
      String expected = row[2] == null ? row[1] : row[2];
      assertThat(text.redact(row[1])).as("key %s in %s", row[0], row[1]).isEqualTo(expected);
      assertThat(text.keep(row[1], ServerText.MAX_MESSAGE)).as("kept").isEqualTo(expected);
    }
    // a Bearer token cut by the limit is still redacted, not left half-visible
    ServerText text = new ServerText(ApiKey.of("test"));
    assertThat(text.keep("x".repeat(90) + "Bearer test", 100)).doesNotContain("test");
  }

  @Test
  void theClassifierReadsTheServersWordsAndAnExceptionKeepsThemRedacted() {
    String key = "sk-secret-0123456789";
    byte[] json =
        ("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"token limit for "
                + key
                + "\",\"code\":\""
                + key
                + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    ErrorBody server = ErrorBody.parse(json, 0, json.length);
    assertThat(server.read().message()).isEqualTo("token limit for " + key);
    assertThat(server.read().code()).isEqualTo(key);
    ErrorBody shown = server.shown(new ServerText(ApiKey.of(key)));
    assertThat(shown.type()).isEqualTo("invalid_request_error");
    assertThat(shown.message()).isEqualTo("token limit for " + R);
    assertThat(shown.code()).isEqualTo(R);
  }

  @Test
  void aBodyPrefixDropsACharacterCutByTheLimitAndReplacesMalformedBytes() {
    byte[] b = "ab\u00e9".getBytes(StandardCharsets.UTF_8); // é is two bytes
    assertThat(ServerText.prefix(b, 0, b.length, 3)).isEqualTo("ab");
    assertThat(ServerText.prefix(b, 0, b.length, 4)).isEqualTo("ab\u00e9");
    byte[] bad = {'a', (byte) 0xFF, 'b'};
    assertThat(ServerText.prefix(bad, 0, 3, 10)).isEqualTo("a\uFFFDb");
  }

  @Test
  void anErrorBodyOfAMebibyteKeepsABoundedMessage() {
    ServerText text = new ServerText(ApiKey.of("sk-k"));
    for (Map.Entry<String, String> e : adversarial().entrySet()) {
      byte[] html = ("<html><title>" + e.getValue()).getBytes(StandardCharsets.UTF_8);
      ErrorBody b = ErrorBody.parse(html, 0, html.length);
      for (ErrorBody kept : List.of(b.read(), b.shown(text))) {
        assertThat(kept.message() == null ? 0 : kept.message().length())
            .as(e.getKey())
            .isLessThanOrEqualTo(ServerText.MAX_EXCERPT + 3);
      }
      byte[] json =
          ("{\"error\":{\"message\":\"" + e.getValue().replace("\"", "") + "\"}}")
              .getBytes(StandardCharsets.UTF_8);
      ErrorBody j = ErrorBody.parse(json, 0, json.length);
      for (ErrorBody kept : List.of(j.read(), j.shown(text))) {
        assertThat(kept.message() == null ? 0 : kept.message().length())
            .as(e.getKey())
            .isLessThanOrEqualTo(ServerText.MAX_MESSAGE + 64);
      }
    }
  }
}
