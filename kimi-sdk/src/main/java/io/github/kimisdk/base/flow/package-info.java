/**
 * The base floor's flow machinery: the one relay between a source and its subscriber, the stream
 * contract, the iterator, the idle watchdog, and the one timer mechanism. Not exported, but to
 * kimi-sdk-mcp; knows nothing of Kimi.
 */
package io.github.kimisdk.base.flow;
