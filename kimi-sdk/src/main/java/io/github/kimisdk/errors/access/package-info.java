/**
 * The SDK's own access to what {@code errors} keeps from applications: the constructors of its
 * exceptions. Not exported.
 */
package io.github.kimisdk.errors.access;
