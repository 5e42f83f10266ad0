/**
 * {@link io.github.kimisdk.testing.FakeKimiServer}: a scriptable Kimi server on loopback, for tests
 * and offline demos. It needs the {@code jdk.httpserver} module at run time.
 */
package io.github.kimisdk.testing;
