/**
 * The wire protocols of chat calls, one subpackage each ({@code chat}, {@code messages}, {@code
 * responses}), chosen in one place ({@link io.github.kimisdk.internal.wire.Wires}), each declaring
 * what it writes, drops or refuses of every request component ({@link
 * io.github.kimisdk.chat.completions.Fate}); what they share is written here once: the protocol's
 * skeleton, the event loop, the refusals.
 */
package io.github.kimisdk.internal.wire;
