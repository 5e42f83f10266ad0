/**
 * The base floor's HTTP rules: the one loopback rule ({@code Hosts}, which the MCP client shares),
 * which headers a caller may set, and what a TLS failure says about retrying. Not exported, but to
 * kimi-sdk-mcp; knows nothing of Kimi.
 */
package io.github.kimisdk.base.net;
