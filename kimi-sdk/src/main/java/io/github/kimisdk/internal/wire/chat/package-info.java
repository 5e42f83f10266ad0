/**
 * OpenAI-compatible chat completions: the request and reply codec (its messages, tool calls, tools
 * and usage written and read through the saved form below, {@code chat.format}), the chunk fast
 * path and the stream handler.
 */
package io.github.kimisdk.internal.wire.chat;
