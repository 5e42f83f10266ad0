/**
 * The base floor's body readers: a response's body taken whole, in memory up to a limit ({@code
 * BoundedBodySubscriber}) or to a file ({@code FileBodySubscriber}), each abortable at any moment
 * and watched for idleness ({@code WatchedBody}): what a server sends costs the limit and no more,
 * and a body that stops arriving fails. The one bounded reader of the SDK and of kimi-sdk-mcp. Not
 * exported, but to kimi-sdk-mcp; knows nothing of Kimi.
 */
package io.github.kimisdk.base.body;
