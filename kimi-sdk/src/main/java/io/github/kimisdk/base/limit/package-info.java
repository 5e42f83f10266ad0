/** The base floor's in-process rate-limit counters. Not exported; knows nothing of Kimi. */
package io.github.kimisdk.base.limit;
