/**
 * How every value prints (the {@code toString} of records), how a JSON value's kind is named in a
 * message ({@code JsonKind}), and how a server's text is made safe for a message or a log line
 * ({@code Untrusted}). Not exported, but to kimi-sdk-mcp.
 */
package io.github.kimisdk.base.text;
