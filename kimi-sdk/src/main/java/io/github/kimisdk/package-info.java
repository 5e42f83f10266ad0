/**
 * The Kimi client: {@link io.github.kimisdk.KimiClient} and its builder, its services, and what
 * configures a call ({@link io.github.kimisdk.Endpoint}, {@link io.github.kimisdk.Timeouts}, {@link
 * io.github.kimisdk.RetryPolicy}, {@link io.github.kimisdk.RequestOptions}, the call listener,
 * response metadata). The values the services return are in {@link io.github.kimisdk.platform}, the
 * failures in {@link io.github.kimisdk.errors}.
 */
package io.github.kimisdk;
