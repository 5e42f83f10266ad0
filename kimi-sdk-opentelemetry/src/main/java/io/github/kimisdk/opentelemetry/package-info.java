/**
 * OpenTelemetry for kimi-sdk: GenAI client spans and metrics, retries as span events, and the W3C
 * trace context on every request, installed on a client with {@link
 * io.github.kimisdk.opentelemetry.KimiTelemetry}.
 */
package io.github.kimisdk.opentelemetry;
