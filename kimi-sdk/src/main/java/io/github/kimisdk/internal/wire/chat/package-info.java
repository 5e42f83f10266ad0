/**
 * OpenAI-compatible chat completions: the record codec (also the JSON form of messages that {@code
 * Conversation} saves and token counting reads), the chunk fast path and the stream handler.
 */
package io.github.kimisdk.internal.wire.chat;
