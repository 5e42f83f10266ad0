package io.github.kimisdk.errors;

import io.github.kimisdk.ResponseMetadata;

/**
 * Connecting, or waiting for the response headers, took longer than the client's {@link
 * io.github.kimisdk.Timeouts}. For long generations use {@link
 * io.github.kimisdk.KimiClient#stream}, whose headers arrive at once.
 */
public final class KimiTimeoutException extends KimiException {

  private static final long serialVersionUID = 1L;

  KimiTimeoutException(String message, Throwable cause, ResponseMetadata metadata) {
    super(message, cause, metadata);
  }
}
