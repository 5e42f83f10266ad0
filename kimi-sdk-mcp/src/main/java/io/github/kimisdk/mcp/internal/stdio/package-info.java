/**
 * The stdio transport: the server is a child process, one JSON message per line each way, its
 * standard error kept for diagnostics. Not exported.
 */
package io.github.kimisdk.mcp.internal.stdio;
