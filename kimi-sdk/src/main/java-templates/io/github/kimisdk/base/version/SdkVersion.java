package io.github.kimisdk.base.version;

/**
 * The SDK's version, written into this source by the build: a compile-time constant, so that
 * neither the client's builder nor its User-Agent reads a resource to know it.
 */
public final class SdkVersion {

  /** The version the build wrote. */
  public static final String VERSION = "${project.version}";

  private SdkVersion() {}
}
