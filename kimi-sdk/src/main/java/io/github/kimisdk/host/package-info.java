/**
 * Where a call runs: the host that serves Kimi's model ({@link io.github.kimisdk.host.Host}: its
 * endpoint, and how it translates a request at the wire), which target of a client's fallback chain
 * ({@link io.github.kimisdk.Target}) served a reply ({@link io.github.kimisdk.host.ServedBy}), and
 * what the client knows and can check of each target ({@link io.github.kimisdk.host.TargetStatus};
 * the deeper host check is {@code kimi-sdk-hostcheck}'s). The client takes a host ({@code
 * KimiClient.Builder.host}); of the root package these name only the plain settings of where a call
 * goes ({@code Endpoint}, {@code WireProtocol}, {@code Target}).
 */
package io.github.kimisdk.host;
