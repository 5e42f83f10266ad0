/**
 * The base floor's in-process counters: a rate limit's and a budget's. Not exported; knows nothing
 * of Kimi.
 */
package io.github.kimisdk.base.limit;
