/** The base floor's JSON Schema dialects. Not exported; knows nothing of Kimi. */
package io.github.kimisdk.base.schema;
