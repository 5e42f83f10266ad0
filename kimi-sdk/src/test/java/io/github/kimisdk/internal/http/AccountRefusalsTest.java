package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.PermissionDeniedException;
import io.github.kimisdk.errors.QuotaExceededException;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.internal.route.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An account that cannot be served until its owner acts, one row per way Kimi says so (kimi-api.md,
 * "fourth look": "A 403 error typically indicates insufficient account balance", and the 429 {@code
 * exceeded_current_quota_error}): each is a {@link QuotaExceededException} that says which (a
 * balance used up, a suspended account, a plan's limit), and every question asked of a failure
 * answers it the same way, from the one rule ({@link RateRefusal#quota}): the exception is not
 * retryable, the retry policy does not retry it, nothing pauses for it, and a fallback chain moves
 * the call to another account ({@link Kind#QUOTA}). A 403 that says something else stays a {@link
 * PermissionDeniedException}, never retried, whose advice names the balance too.
 */
class AccountRefusalsTest {

  private static String err(String type, String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\"}}";
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            "Moonshot's 403: insufficient account balance",
            403,
            err("permission_denied_error", "Insufficient account balance, please top up"),
            "balance"),
        Arguments.of(
            "a 403 whose balance is insufficient, under another type",
            403,
            err("invalid_request_error", "Your account balance is insufficient"),
            "balance"),
        Arguments.of(
            "a balance in arrears",
            403,
            err("permission_denied_error", "The account balance is in arrears"),
            "balance"),
        Arguments.of(
            "Moonshot's 429 exceeded_current_quota_error",
            429,
            err(
                "exceeded_current_quota_error",
                "You exceeded your current token quota: <org-1> 0, please check your account"
                    + " balance"),
            "balance"),
        Arguments.of(
            "OpenAI's insufficient_quota, as gateways pass it on",
            429,
            "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"requests\","
                + "\"code\":\"insufficient_quota\"}}",
            "balance"),
        Arguments.of(
            "a suspended account",
            429,
            err(
                "exceeded_current_quota_error",
                "Your account org-1<ak-1> is suspended, please check your plan and billing details"),
            "suspended"),
        Arguments.of(
            "Kimi Code's plan limit",
            403,
            err(
                "access_terminated_error",
                "You've reached your usage limit for this billing cycle"),
            "plan"),
        Arguments.of(
            "an IP allow-list: the caller's own error",
            403,
            err("permission_denied_error", "Your IP is not allowed to access this organization"),
            "permission"),
        Arguments.of(
            "an API not open to the account",
            403,
            err("permission_denied_error", "The API you are accessing is not open"),
            "permission"),
        Arguments.of("a bare 403", 403, "", "permission"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void anAccountThatCannotBeServedIsNamedAndNeverRetriedByEveryRule(
      String rule, int status, String body, String what) {
    ResponseMetadata md = new ResponseMetadata(status, Map.of());
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ErrorFactory errors =
        TestErrors.factory(Endpoint.GLOBAL, false, "kimi-sdk-java/test", Timeouts.defaults());

    KimiException e = errors.httpError(md, b, 0, b.length);

    ApiException a = (ApiException) e;
    assertThat(a.status()).isEqualTo(status);
    assertThat(a.isRetryable()).as("retryable").isFalse();
    assertThat(RetryPolicy.defaults().isRetryable(e)).as("the policy retries it").isFalse();
    assertThat(RateRefusal.of(md, b, 0, b.length, false, "kimi-sdk-java/test"))
        .as("a pause")
        .isNull();
    if (what.equals("permission")) {
      assertThat(e).isInstanceOf(PermissionDeniedException.class);
      assertThat(Kind.of(e, null)).isEqualTo(Kind.OTHER);
      assertThat(e.getMessage()).contains("the balance is used up (top up on the console)");
      return;
    }
    assertThat(e).isInstanceOf(QuotaExceededException.class);
    QuotaExceededException q = (QuotaExceededException) e;
    assertThat(q.isBalanceUsedUp()).as("balance").isEqualTo(what.equals("balance"));
    assertThat(q.isAccountSuspended()).as("suspended").isEqualTo(what.equals("suspended"));
    assertThat(Kind.of(e, null)).isEqualTo(Kind.QUOTA);
    assertThat(e.getMessage()).contains("will not help");
    if (what.equals("balance")) {
      assertThat(e.getMessage()).contains("balance is used up; top up on the console");
    }
  }
}
