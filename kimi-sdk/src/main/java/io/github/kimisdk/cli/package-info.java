/**
 * The command line of the core's jar ({@code java -jar kimi-sdk-VERSION.jar}), not exported: a
 * program above the client, as a team runs it against its deployment ({@code verify}, the host
 * check of {@link io.github.kimisdk.KimiAccount#verifyTargets(String)}). It uses the client's API
 * alone, and nothing of the SDK uses it.
 */
package io.github.kimisdk.cli;
