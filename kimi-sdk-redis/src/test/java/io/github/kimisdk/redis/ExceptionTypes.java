package io.github.kimisdk.redis;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/** The concrete subclasses of a client's root exception type found in that client's jar. */
final class ExceptionTypes {

  private ExceptionTypes() {}

  /**
   * Returns the concrete classes under {@code prefix} (a package path) in the jar of {@code root}
   * that extend it, {@code root} included, without initialising them.
   */
  static Set<Class<?>> inJarOf(Class<?> root, String prefix)
      throws IOException, URISyntaxException {
    Path jar = Path.of(root.getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<Class<?>> found = new LinkedHashSet<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      Enumeration<JarEntry> entries = f.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        if (!name.startsWith(prefix) || !name.endsWith("Exception.class")) {
          continue;
        }
        String type = name.substring(0, name.length() - 6).replace('/', '.');
        Class<?> c;
        try {
          c = Class.forName(type, false, root.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          continue; // needs an optional dependency of the client's
        }
        if (root.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
          found.add(c);
        }
      }
    }
    return found;
  }
}
