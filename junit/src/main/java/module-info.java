/**
 * fgbg's JUnit Jupiter extension: {@link io.fgbg.junit.FgbgTest} runs each test on a fresh event
 * loop, on a virtual clock by default, and fails a test that leaves work behind on it.
 *
 * <p>It reads the loop through {@code io.fgbg.inspect}, which the module {@code io.fgbg} exports to
 * this module only.
 */
module io.fgbg.junit {
  requires transitive io.fgbg;
  requires transitive org.junit.jupiter.api;

  exports io.fgbg.junit;
}
