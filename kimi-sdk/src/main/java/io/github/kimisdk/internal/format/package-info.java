/**
 * The SDK's own formats, below the wires: the record codec ({@link
 * io.github.kimisdk.internal.format.RecordCodec}), the persisted form of messages, tool calls,
 * tools and usage that saved conversations, batch lines and token counting use, and that the chat
 * completions wire writes and reads its messages through; and the lenient reads of server-owned
 * values it shares with the wires. It uses {@code chat}, {@code tool} and {@code json} only: never
 * a wire, the transport, {@code model} or {@code token}.
 */
package io.github.kimisdk.internal.format;
