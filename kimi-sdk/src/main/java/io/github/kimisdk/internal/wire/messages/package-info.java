/** Kimi's Anthropic-compatible Messages protocol: request encoding, reply and stream mapping. */
package io.github.kimisdk.internal.wire.messages;
