/**
 * The base floor's SSE plumbing: the body subscriber that parses events by demand. Not exported.
 */
package io.github.kimisdk.base.sse;
