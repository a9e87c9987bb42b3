/**
 * fgbg: the POSIX shell's foreground/background model over a single-threaded, asyncio-style
 * event loop.
 *
 * <p>Everything a user needs is in the package {@code io.fgbg}; start with {@link io.fgbg.Fgbg}.
 * The module needs nothing but {@code java.base}. The package {@code io.fgbg.inspect}, what the
 * JUnit extension reads of a loop after each test, is exported to that extension's module only.
 */
@SuppressWarnings("module") // io.fgbg.junit is built after this module: javac cannot see it here
module io.fgbg {
  exports io.fgbg;
  exports io.fgbg.inspect to io.fgbg.junit;
}
