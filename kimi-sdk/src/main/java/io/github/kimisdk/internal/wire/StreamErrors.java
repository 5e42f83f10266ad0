package io.github.kimisdk.internal.wire;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.errors.KimiException;

/**
 * The failures a wire's stream handler reports, built by the transport's error factory (which
 * implements this), so the wires stand below the transport and never reach into it.
 */
public interface StreamErrors {

  /**
   * Returns the API error that Kimi's error envelope inside a 2xx event stream carries.
   *
   * @param metadata the response's status and headers
   * @param data holds the payload
   * @param off where it starts
   * @param len its length
   * @return the exception, classified as an HTTP error of that body would be
   */
  KimiException inStreamError(ResponseMetadata metadata, byte[] data, int off, int len);

  /**
   * Returns the failure of a stream that ended before its end event.
   *
   * @param metadata the response's status and headers
   * @param partial what arrived
   * @param cause the connection's failure, or null for a clean end of input
   * @return the truncated-stream exception
   */
  KimiException truncated(ResponseMetadata metadata, ChatCompletion partial, Throwable cause);

  /**
   * Returns the failure of an event that does not decode as the protocol's event.
   *
   * @param metadata the response's status and headers
   * @param partial what arrived
   * @param cause what went wrong
   * @return the malformed-chunk exception
   */
  KimiException malformedChunk(ResponseMetadata metadata, ChatCompletion partial, Throwable cause);

  /**
   * Returns the failure of a 2xx body that cannot be decoded.
   *
   * @param metadata the response's status and headers
   * @param problem what is wrong with it
   * @param cause the decoder's failure, or null
   * @return the decoding exception
   */
  KimiException decoding(ResponseMetadata metadata, String problem, Throwable cause);

  /**
   * Maps any failure of a stream: once a chunk was delivered ({@code started}) it carries what
   * arrived.
   *
   * @param error the failure
   * @param metadata the response's status and headers
   * @param partial what arrived
   * @param started whether a chunk was delivered
   * @return the exception to deliver
   */
  KimiException streamFailure(
      Throwable error, ResponseMetadata metadata, ChatCompletion partial, boolean started);
}
