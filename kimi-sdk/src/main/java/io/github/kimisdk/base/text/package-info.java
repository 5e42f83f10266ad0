/** How every value prints (the {@code toString} of records). Not exported, but to kimi-sdk-mcp. */
package io.github.kimisdk.base.text;
