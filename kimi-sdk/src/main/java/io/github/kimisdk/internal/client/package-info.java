/**
 * What a client is made of, wired once, and the shapes of its calls: the client's core (the
 * threads, timer and clocks every target shares, each target's machinery, the chain, the close),
 * {@code ClientScope} (what one {@code KimiClient} sends with: its options, its tenant), and the
 * call shapes that describe a call and hand it to the chain ({@code ChatCalls}: every target's
 * request made in one place, its {@code TargetLegs}; {@code Exchanges}: any endpoint and the
 * platform's; {@code ChatAll}), the model table's notices and context windows, and the host check
 * ({@code HostCheck}, {@code HostFindings}, {@code HostSymptoms}).
 *
 * <p>May touch: every other {@code internal} package. The only package that names the client's
 * core, in the files that make calls ({@code ClientScope}, {@code ChatCalls}, {@code Exchanges});
 * the facade ({@code KimiClient} and its services) reaches the engine through {@code ClientScope}.
 */
package io.github.kimisdk.internal.client;
