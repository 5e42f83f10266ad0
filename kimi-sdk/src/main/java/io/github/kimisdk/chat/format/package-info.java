/**
 * The forms of {@code chat}'s records, below the wires; not exported. {@link
 * io.github.kimisdk.chat.format.SavedForm} is the saved form of messages, tool calls, tools and
 * usage, versioned: what saved conversations, batch lines and token counting hold, and what the
 * chat completions wire writes and reads its messages through. {@link
 * io.github.kimisdk.chat.format.RequestFields} declares what chat completions writes of each {@code
 * ChatRequest} component (as {@link io.github.kimisdk.chat.format.Fate}s, the form every wire
 * declares), so that {@code ChatRequest} keeps those members out of its extra body. {@link
 * io.github.kimisdk.chat.format.Lenient} holds the reads of server-owned values the form shares
 * with the wires. It uses {@code chat}, {@code tool} and {@code json} only: never a wire, the
 * transport, {@code model} or {@code token}.
 */
package io.github.kimisdk.chat.format;
