/**
 * What a test extension needs to see of a loop from outside the package {@code io.fgbg}: its
 * pending tasks and what they await, the failures nobody retrieved, its open sockets, and whether
 * it has work ready. {@link io.fgbg.inspect.LoopInspection} is the entry point.
 *
 * <p>This package is not part of fgbg's public API: {@code module-info} exports it to the module
 * {@code io.fgbg.junit} only, so on the module path no other module can read it. On the class path
 * a qualified export is not enforced (every class sees every public class there): any code can
 * then call it, and it is still no API, free to change with every release. Everything here only
 * reads, except {@link io.fgbg.inspect.LoopInspection#takeUnretrievedFailures}, which takes the
 * failures it returns off the loop's books as a retrieval would.
 */
package io.fgbg.inspect;
