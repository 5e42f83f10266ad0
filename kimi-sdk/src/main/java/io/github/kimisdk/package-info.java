/**
 * The Kimi client: {@link io.github.kimisdk.KimiClient} and its builder, its services, {@link
 * io.github.kimisdk.Endpoint}, {@link io.github.kimisdk.Timeouts}, response metadata and the
 * platform's values. Its failures are in {@link io.github.kimisdk.errors}.
 */
package io.github.kimisdk;
