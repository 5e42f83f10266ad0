package io.github.kimisdk.internal.http;

import io.github.kimisdk.KimiException;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;

/**
 * Builds the SDK's exceptions for the transport; implemented in the root package, where the
 * exception constructors live.
 */
public interface ErrorFactory {

  /** A non-2xx response with its (bounded) body. */
  KimiException httpError(ResponseMetadata metadata, byte[] body, int off, int len);

  /** A {@code {"error": ...}} payload inside a 2xx event stream. */
  KimiException inStreamError(ResponseMetadata metadata, byte[] data, int off, int len);

  /** The stream ended before {@code [DONE]}; {@code cause} is null for a clean EOF. */
  KimiException truncated(ResponseMetadata metadata, ChatCompletion partial, Throwable cause);

  /**
   * A stream that already produced chunks failed with {@code reason}, an error that is not itself a
   * stream error (an in-stream API error, a broken SSE limit).
   */
  KimiException aborted(ResponseMetadata metadata, ChatCompletion partial, KimiException reason);

  /** A stream event that does not decode as a chunk. */
  KimiException malformedChunk(ResponseMetadata metadata, ChatCompletion partial, Throwable cause);

  /** A 2xx body that cannot be decoded. */
  KimiException decoding(ResponseMetadata metadata, String problem, Throwable cause);

  /** No bytes of a response body arrived for {@code idle} after the headers. */
  KimiException idle(ResponseMetadata metadata, java.time.Duration idle);

  /** A body larger than the configured limit. */
  KimiException tooLarge(ResponseMetadata metadata, long limit);

  /**
   * Maps any other failure (I/O, timeout, interrupt, wrapped exceptions). {@code partial} is the
   * stream accumulated so far, or null outside a stream; {@code metadata} may be null.
   */
  KimiException failure(Throwable error, ResponseMetadata metadata, ChatCompletion partial);

  /**
   * Maps the failure of a stream: once a chunk has been produced ({@code started}), every failure
   * carries the partial reply (a stream error stays as it is, anything else becomes {@link
   * #aborted}); before that it is mapped as by {@link #failure}.
   */
  default KimiException streamFailure(
      Throwable error, ResponseMetadata metadata, ChatCompletion partial, boolean started) {
    KimiException k = failure(error, metadata, partial);
    return started ? aborted(metadata, partial, k) : k;
  }
}
