/**
 * {@link io.github.kimisdk.testing.FakeKimiServer}: a scriptable Kimi server on loopback, for tests
 * and offline demos, which also records real Kimi traffic and replays it ({@link
 * io.github.kimisdk.testing.Cassette}) and serves HTTPS on request. It needs the {@code
 * jdk.httpserver} module at run time.
 */
package io.github.kimisdk.testing;
