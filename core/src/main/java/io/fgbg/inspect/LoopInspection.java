package io.fgbg.inspect;

import io.fgbg.EventLoop;
import java.util.List;
import java.util.Objects;

/**
 * Read-only views of a loop's internals, for the checks a test extension makes after each test:
 * what is still pending, which failures nobody retrieved, which sockets are open, whether work is
 * ready. Each view is an immutable snapshot taken at the call.
 *
 * <pre>{@code
 * for (PendingTask task : LoopInspection.pendingTasks(loop)) {
 *   System.out.println("[" + task.number() + "] " + task.name() + " " + task.awaits());
 * }
 * }</pre>
 *
 * <p>Not fgbg's public API: see the package's comment. Every method is called from a thread that
 * does not run the loop (between foreground runs), never suspends, and takes the loop's baton for
 * the length of the read.
 *
 * <p>Thread regime: {@code access} is written once, by the class initializer of {@code
 * io.fgbg}'s implementation, and read by any thread.
 */
public final class LoopInspection {
  private static final String IMPLEMENTATION = "io.fgbg.Inspection";
  private static volatile LoopAccess access;

  private LoopInspection() {}

  /**
   * The tasks of {@code loop} that are not done, in job order, with what each awaits.
   *
   * @param loop the loop
   * @return an immutable list; empty once the loop is closed
   * @throws NullPointerException if {@code loop} is null
   * @throws IllegalStateException if the loop is running in another thread
   */
  public static List<PendingTask> pendingTasks(EventLoop loop) {
    return access().pendingTasks(Objects.requireNonNull(loop, "loop"));
  }

  /**
   * The tasks of {@code loop} that failed and whose exception nobody has retrieved, in job order;
   * each counts as retrieved from now on, so that the loop does not report it again when it closes
   * ("Task exception was never retrieved").
   *
   * @param loop the loop
   * @return an immutable list; empty once the loop is closed
   * @throws NullPointerException if {@code loop} is null
   * @throws IllegalStateException if the loop is running in another thread
   */
  public static List<UnretrievedFailure> takeUnretrievedFailures(EventLoop loop) {
    return access().takeUnretrievedFailures(Objects.requireNonNull(loop, "loop"));
  }

  /**
   * The sockets of {@code loop} that are open: servers' listening sockets first, then connections,
   * each group in the order of their local addresses.
   *
   * @param loop the loop
   * @return an immutable list; empty once the loop is closed
   * @throws NullPointerException if {@code loop} is null
   * @throws IllegalStateException if the loop is running in another thread
   */
  public static List<OpenSocket> openSockets(EventLoop loop) {
    return access().openSockets(Objects.requireNonNull(loop, "loop"));
  }

  /**
   * Tells whether {@code loop} would run something at its next iteration without waiting: a
   * callback or task step is ready, a callback was posted from another thread, or a timer is due
   * on its clock (the readiness of sockets is not looked at: finding it would change the loop).
   *
   * @param loop the loop
   * @return true if work is ready; false once the loop is closed
   * @throws NullPointerException if {@code loop} is null
   * @throws IllegalStateException if the loop is running in another thread
   */
  public static boolean hasReadyWork(EventLoop loop) {
    return access().hasReadyWork(Objects.requireNonNull(loop, "loop"));
  }

  /**
   * Called once, by the implementation inside {@code io.fgbg} as it is initialized.
   *
   * @param implementation the implementation
   * @throws IllegalStateException if it is not fgbg's own, or one is installed already
   */
  public static void install(LoopAccess implementation) {
    Class<?> type = implementation.getClass();
    if (!type.getName().equals(IMPLEMENTATION)
        || type.getModule() != EventLoop.class.getModule()
        || access != null) {
      throw new IllegalStateException("the loop's inspection is installed by fgbg itself, once");
    }
    access = implementation;
  }

  /** The implementation; initializing its class installs it. */
  private static LoopAccess access() {
    LoopAccess a = access;
    if (a == null) {
      try {
        Class.forName(IMPLEMENTATION, true, EventLoop.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("fgbg's loop inspection is missing: " + IMPLEMENTATION, e);
      }
      a = access;
    }
    return a;
  }
}
