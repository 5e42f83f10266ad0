/** Flow plumbing behind the SSE body subscribers: the decoding subscriber and a blocking view. */
package io.github.kimisdk.base.sse;
