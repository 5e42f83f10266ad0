/**
 * The command line of the agents' jar ({@code io.github.kimisdk.agents.cli.Main}, the jar's {@code
 * Main-Class}), not exported: {@code runs list}, {@code count}, {@code release}, {@code delete} and
 * {@code sweep} on a file or JDBC run store, as an operator runs them. It uses the module's
 * exported API alone, and nothing of the module uses it.
 */
package io.github.kimisdk.agents.cli;
