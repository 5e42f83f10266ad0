package io.github.kimisdk.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ResponseMetadata;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a server error prints: its members, without repeating what its message already says. */
class ApiErrorTest {

  static final String MESSAGE =
      "Kimi API error (HTTP 400, invalid_request_error): Invalid temperature. Use 0.6."
          + " [request id r-1]";

  static ResponseMetadata metadata(int status, String requestId) {
    return new ResponseMetadata(
        status, requestId == null ? Map.of() : Map.of("msh-request-id", List.of(requestId)));
  }

  static ApiError error(
      ResponseMetadata md,
      int status,
      String serverMessage,
      String message,
      Duration retryAfter,
      boolean retryable,
      boolean inStream,
      String hint) {
    return new ApiError(
        md,
        status,
        "invalid_request_error",
        null,
        serverMessage,
        message,
        retryAfter,
        retryable,
        inStream,
        hint);
  }

  @Test
  void printsEachMemberOnceAndLeavesOutWhatTheMessageHolds() {
    Object[][] table = {
      // the usual: the server's message, the hint and the request id are in the message
      {
        error(
            metadata(400, "r-1"),
            400,
            "Invalid temperature.",
            MESSAGE,
            null,
            false,
            false,
            "Use 0.6."),
        "ApiError[status=400, type=invalid_request_error, message=" + MESSAGE + "]"
      },
      // what the message does not hold is shown
      {
        error(metadata(400, "r-2"), 400, "Other text", MESSAGE, null, false, false, "Retry."),
        "ApiError[status=400, type=invalid_request_error, message="
            + MESSAGE
            + ", serverMessage=Other text, hint=Retry.,"
            + " metadata=ResponseMetadata[status=400, Msh-Request-Id=r-2]]"
      },
      // metadata whose status differs from the error's (an error event in a 200 stream)
      {
        error(metadata(200, "r-1"), 500, null, MESSAGE, Duration.ofSeconds(2), true, true, null),
        "ApiError[status=500, type=invalid_request_error, message="
            + MESSAGE
            + ", retryAfter=PT2S, retryable=true, inStream=true,"
            + " metadata=ResponseMetadata[status=200, Msh-Request-Id=r-1]]"
      },
      // the client's own refusal: no server message, no request id
      {
        error(
            metadata(429, null),
            429,
            null,
            "The shared budget stayed full.",
            null,
            false,
            false,
            "Lower the load."),
        "ApiError[status=429, type=invalid_request_error, message=The shared budget stayed"
            + " full., hint=Lower the load.]"
      },
      {
        new ApiError(null, 0, null, null, null, null, null, false, false, null),
        "ApiError[status=0]"
      },
    };
    for (Object[] row : table) {
      assertThat(row[0].toString()).isEqualTo(row[1]);
    }
  }
}
