package io.github.kimisdk.opentelemetry;

/**
 * The artifact's version, written into this source by the build: the instrumentation scope's
 * version ({@link KimiTelemetry#VERSION}), a compile-time constant read from no resource.
 */
final class ScopeVersion {

  /** The version the build wrote. */
  static final String VERSION = "${project.version}";

  private ScopeVersion() {}
}
