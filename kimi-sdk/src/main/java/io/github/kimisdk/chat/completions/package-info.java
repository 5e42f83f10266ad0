/**
 * Kimi's chat completions form of {@code chat}'s records, below every package that writes it; not
 * exported. {@link io.github.kimisdk.chat.completions.MessageForm} writes messages, tool calls and
 * tools as chat completions take them: the chat wire's requests, batch lines, the token-count
 * request, the tools token counting counts and the saved form's version 1 all write them with it.
 * {@link io.github.kimisdk.chat.completions.RequestFields} declares what chat completions writes of
 * each {@code ChatRequest} component (as {@link io.github.kimisdk.chat.completions.Fate}s, the form
 * every wire declares in), so that {@code ChatRequest} keeps those members out of its extra body.
 * It uses {@code chat}, {@code tool} and {@code json} only; it reads nothing (a reply is the chat
 * wire's to read, a saved file the saved form's).
 */
package io.github.kimisdk.chat.completions;
