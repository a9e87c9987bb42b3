package io.fgbg;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads, once, what a loop may need later on a path that must not fail: every class of the
 * library, and what the default exception handler's logging reads from files.
 *
 * <p>A class is loaded from its jar or directory when first used, and loading it opens a file. A
 * server that runs out of file descriptors would then fail exactly where it must not: reporting
 * the failed {@code accept()}, running the retry timer's callback, closing a connection. So when a
 * loop opens its first selector, while descriptors are free, every class of the library is loaded
 * (a few milliseconds, once per JVM), along with the time-zone data that a {@code
 * java.util.logging} formatter reads for its first record.
 *
 * <p>Thread regime: static and idempotent; called by whichever thread opens a selector first
 * (twice at worst: harmless).
 */
final class LibraryClasses {
  private static volatile boolean loaded;

  private LibraryClasses() {}

  /** Loads them all, unless done already. */
  static void loadAll() throws IOException {
    if (loaded) {
      return;
    }
    ClassLoader loader = LibraryClasses.class.getClassLoader();
    for (String name : names()) {
      try {
        Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IOException("cannot load " + name + " of the fgbg library", e);
      }
    }
    ZoneId.systemDefault(); // what a logging formatter reads first, from the JDK's tzdb.dat
    System.getLogger("io.fgbg").isLoggable(System.Logger.Level.ERROR); // the logging set-up
    loaded = true;
  }

  /** The binary names of the library's classes, from its jar or class directory. */
  private static List<String> names() throws IOException {
    List<String> names = new ArrayList<>();
    CodeSource source = LibraryClasses.class.getProtectionDomain().getCodeSource();
    if (source == null) {
      return names;
    }
    Path where;
    try {
      where = Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      return names; // not a file: nothing to list (and nothing that takes a descriptor)
    }
    String prefix = "io/fgbg/";
    if (Files.isDirectory(where)) {
      try (Stream<Path> files = Files.list(where.resolve(prefix))) {
        files.map(p -> prefix + p.getFileName()).forEach(file -> addClass(names, file, prefix));
      }
    } else {
      try (JarFile jar = new JarFile(where.toFile())) {
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
          addClass(names, e.nextElement().getName(), prefix);
        }
      }
    }
    return names;
  }

  private static void addClass(List<String> names, String file, String prefix) {
    if (file.startsWith(prefix)
        && file.endsWith(".class")
        && file.indexOf('/', prefix.length()) < 0
        && !file.endsWith("module-info.class")) {
      names.add(file.substring(0, file.length() - ".class".length()).replace('/', '.'));
    }
  }
}
