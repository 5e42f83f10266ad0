package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link FakeErrors}: which calls fail, by rule, one case per rule. */
class FakeErrorsTest {

  /** A chat call that is not streamed. */
  private static final RecordedRequest CHAT =
      new RecordedRequest(
          "POST",
          "/v1/chat/completions",
          java.util.Map.of(),
          "{\"model\":\"kimi-k3\",\"messages\":[]}"
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));

  /** The first {@code n} calls' answers: "-" for a call answered as usual, else the error type. */
  private static List<String> calls(String spec, int n) {
    FakeErrors errors = FakeErrors.parse(spec);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      FakeErrors.Kind k = errors.next();
      out.add(k == null ? "-" : type(k.response(FakeDialect.MOONSHOT, CHAT)));
    }
    return out;
  }

  private static String type(FakeResponse r) {
    String body = new String(r.parts().get(0).bytes(), java.nio.charset.StandardCharsets.UTF_8);
    return io.github.kimisdk.json.Json.parse(body).get("error").get("type").asString();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "quota=0.5 | -,Q,-,Q,-,Q,-,Q",
        "quota=1 | Q,Q,Q,Q,Q,Q,Q,Q",
        "quota=0.25 | -,-,-,Q,-,-,-,Q",
        "quota=0.375 | -,-,Q,-,-,Q,-,Q",
        "overloaded=0.5,quota=0.5 | Q,O,Q,O,Q,O,Q,O",
        "quota=0.25,rate-limit=0.25 | -,R,-,Q,-,R,-,Q",
        "rate-limit=0.125 | -,-,-,-,-,-,-,R"
      })
  void eachShareFailsItsCallsAtTheCrossingOfAnInteger(String spec, String expected) {
    List<String> wanted = new ArrayList<>();
    for (String e : expected.split(",")) {
      wanted.add(
          switch (e) {
            case "Q" -> "exceeded_current_quota_error";
            case "R" -> "rate_limit_reached_error";
            case "O" -> "engine_overloaded_error";
            default -> "-";
          });
    }
    assertThat(calls(spec, 8)).containsExactlyElementsOf(wanted);
  }

  @Test
  void aDecimalShareIsExactOverAHundredCalls() {
    // 0.29 * 100 is 28.999999999999996 in binary floating point: the count must still be 29
    assertThat(calls("quota=0.29", 100)).filteredOn(t -> !t.equals("-")).hasSize(29);
    List<String> mixed = calls("quota=0.1,rate-limit=0.2,overloaded=0.3", 1000);
    assertThat(mixed).filteredOn(t -> t.equals("exceeded_current_quota_error")).hasSize(100);
    assertThat(mixed).filteredOn(t -> t.equals("rate_limit_reached_error")).hasSize(200);
    assertThat(mixed).filteredOn(t -> t.equals("engine_overloaded_error")).hasSize(300);
  }

  @Test
  void noneAnswersEveryCall() {
    assertThat(calls("", 3)).containsExactly("-", "-", "-");
    assertThat(FakeErrors.parse(" ").toString()).isEmpty();
  }

  @Test
  void eachKindIsKimisBodyWithItsRequestId() {
    FakeResponse quota = FakeErrors.Kind.QUOTA.response(FakeDialect.MOONSHOT, CHAT);
    FakeResponse rate = FakeErrors.Kind.RATE_LIMIT.response(FakeDialect.MOONSHOT, CHAT);
    FakeResponse busy = FakeErrors.Kind.OVERLOADED.response(FakeDialect.MOONSHOT, CHAT);
    assertThat(List.of(quota, rate, busy)).allSatisfy(r -> assertThat(r.status()).isEqualTo(429));
    assertThat(new String(quota.parts().get(0).bytes(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"error\":{\"message\":\"You exceeded your current token quota: <org-fake> 0,"
                + " please check your account balance\",\"type\":\"exceeded_current_quota_error\"}}");
    assertThat(rate.headers()).containsEntry("Retry-After", "1");
    assertThat(busy.headers()).doesNotContainKey("Retry-After");
    assertThat(quota.headers().get("Msh-Request-Id"))
        .startsWith("fake-")
        .isNotEqualTo(busy.headers().get("Msh-Request-Id"));
  }

  @Test
  void theNewKindsTakeTheirShareOfCallsAsTheOthersDo() {
    FakeErrors errors = FakeErrors.parse("queue-full=0.5,stream-error=0.5");
    List<FakeErrors.Kind> kinds = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      kinds.add(errors.next());
    }
    assertThat(kinds)
        .containsExactly(
            FakeErrors.Kind.STREAM_ERROR,
            FakeErrors.Kind.QUEUE_FULL,
            FakeErrors.Kind.STREAM_ERROR,
            FakeErrors.Kind.QUEUE_FULL);
    assertThat(FakeErrors.Kind.STREAM_ERROR.response(FakeDialect.VLLM, CHAT))
        .as("a stream error fails the answer itself, after the model wrote it")
        .isNull();
  }

  @Test
  void theCanonicalFormNamesEachKindWithItsShare() {
    assertThat(FakeErrors.parse(" Quota = .50 , overloaded=0.25,rate-limit=0.25").toString())
        .isEqualTo("quota=0.5,overloaded=0.25,rate-limit=0.25");
  }
}
