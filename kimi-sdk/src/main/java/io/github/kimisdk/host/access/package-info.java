/**
 * The host check's door into a client: each target's machinery, as the client sends to it, for
 * {@code kimi-sdk-hostcheck}'s few cheap requests. Exported to that module alone, as {@code
 * errors.access} is to the satellites that make the SDK's exceptions.
 */
package io.github.kimisdk.host.access;
