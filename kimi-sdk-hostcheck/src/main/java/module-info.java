/**
 * kimi-sdk-hostcheck: whether each target's host serves Kimi's model as Kimi's rules and the
 * target's preset expect, told with a few cheap requests ({@link
 * io.github.kimisdk.hostcheck.HostCheck}), from code or the command line ({@code java -jar
 * kimi-sdk-hostcheck-VERSION.jar verify ...}).
 */
module io.github.kimisdk.hostcheck {
  requires transitive io.github.kimisdk;

  exports io.github.kimisdk.hostcheck;
}
