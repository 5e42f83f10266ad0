/**
 * OpenAI-compatible chat completions: the request and reply codec (its messages, tool calls and
 * tools written in the chat completions form below, {@code chat.completions}; a reply read here,
 * from the bytes to the records), the chunk fast path, the lenient reads of server-owned values and
 * the stream handler.
 */
package io.github.kimisdk.internal.wire.chat;
