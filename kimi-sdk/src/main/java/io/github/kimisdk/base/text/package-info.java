/**
 * How every value prints (the {@code toString} of records), and how a server's text is made safe
 * for a message or a log line ({@code Untrusted}). Uses nothing of the SDK above the base floor.
 * Not exported, but to kimi-sdk-mcp.
 */
package io.github.kimisdk.base.text;
