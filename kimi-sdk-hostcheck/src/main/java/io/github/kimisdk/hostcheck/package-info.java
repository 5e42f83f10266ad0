/**
 * The host check: {@link io.github.kimisdk.hostcheck.HostCheck} checks each target of a client
 * before traffic goes there, one {@link io.github.kimisdk.hostcheck.TargetReport} per target, each
 * failed finding with what to change; {@link io.github.kimisdk.hostcheck.Main} runs it from the
 * command line.
 */
package io.github.kimisdk.hostcheck;
