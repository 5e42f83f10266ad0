/**
 * The saved form of {@code chat}'s records, a file format; not exported. {@link
 * io.github.kimisdk.chat.format.SavedForm} writes and reads the messages and usage a saved {@code
 * Conversation} holds, versioned: it writes through the chat completions form ({@code
 * chat.completions}), which its version 1 is, and reads its files into the value types with code of
 * its own. It is {@code Conversation}'s alone: no wire reads a reply with it. It uses {@code chat},
 * {@code chat.completions}, {@code tool} and {@code json} only.
 */
package io.github.kimisdk.chat.format;
