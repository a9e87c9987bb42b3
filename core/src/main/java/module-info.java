/**
 * fgbg: the POSIX shell's foreground/background model over a single-threaded, asyncio-style
 * event loop.
 *
 * <p>Everything a user needs is in the package {@code io.fgbg}; start with {@link io.fgbg.Fgbg}.
 * The module needs nothing but {@code java.base}.
 */
module io.fgbg {
  exports io.fgbg;
}
