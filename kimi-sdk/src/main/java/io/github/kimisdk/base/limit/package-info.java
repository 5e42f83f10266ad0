/** The base floor's in-process counters of a rate limit. Not exported; knows nothing of Kimi. */
package io.github.kimisdk.base.limit;
