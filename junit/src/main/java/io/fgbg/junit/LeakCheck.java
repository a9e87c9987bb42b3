package io.fgbg.junit;

import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.sleep;

import io.fgbg.EventLoop;
import io.fgbg.inspect.LoopInspection;
import io.fgbg.inspect.OpenSocket;
import io.fgbg.inspect.PendingTask;
import io.fgbg.inspect.UnretrievedFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a test left on its loop, found after the test and before the loop closes: tasks still
 * pending, failures nobody retrieved, background calls still running, sockets still open.
 *
 * <p>First the loop is settled: it runs what is ready without waiting and without moving its
 * clock (as {@code untilIdle()} does), so that work already on its way out (a connection closed by
 * the test's last step, the hop in which a cancelled task finishes) is not counted. Whatever waits
 * for time or for the outside world is then left behind.
 *
 * <p>Thread regime: used by the test's thread, between foreground runs of the loop; stateless.
 */
final class LeakCheck {
  /** Iterations a settle runs at most: a task that yields forever must not hang the check. */
  static final int MAX_SETTLE_ITERATIONS = 100;

  private LeakCheck() {}

  /**
   * Settles {@code loop}, then returns an AssertionError naming each thing left on it, or null if
   * it is clean. The failures it names count as retrieved from then on: closing the loop does not
   * report them again.
   */
  static AssertionError check(EventLoop loop) throws Exception {
    settle(loop);
    List<PendingTask> tasks = LoopInspection.pendingTasks(loop);
    List<UnretrievedFailure> failures = LoopInspection.takeUnretrievedFailures(loop);
    List<OpenSocket> sockets = LoopInspection.openSockets(loop);
    List<String> lines = new ArrayList<>();
    for (PendingTask task : tasks) {
      if (task.thread() == null) {
        lines.add("task " + job(task.number(), task.name()) + " is still pending: " + what(task));
      }
    }
    for (UnretrievedFailure failure : failures) {
      lines.add(
          "task "
              + job(failure.number(), failure.name())
              + " failed and nobody retrieved its exception: "
              + failure.exception());
    }
    for (PendingTask task : tasks) {
      if (task.thread() != null) {
        lines.add(
            "background call "
                + job(task.number(), task.name())
                + " is still running in thread "
                + task.thread());
      }
    }
    for (OpenSocket socket : sockets) {
      lines.add(
          socket.listening()
              ? "server socket " + socket.local() + " is still open"
              : "connection " + socket.local() + " -> " + socket.remote() + " is still open");
    }
    if (lines.isEmpty()) {
      return null;
    }
    AssertionError error =
        new AssertionError(
            "the test left work behind on its event loop:\n  " + String.join("\n  ", lines));
    for (UnretrievedFailure failure : failures) {
      error.addSuppressed(failure.exception()); // its stack, which the message cannot show
    }
    return error;
  }

  /**
   * Runs the loop's ready work, one iteration at a time, until nothing is ready (at most {@value
   * #MAX_SETTLE_ITERATIONS} iterations); never waits, never moves a virtual clock. At least one
   * iteration runs, which also takes in what sockets have made ready.
   */
  private static void settle(EventLoop loop) throws Exception {
    loop.setJobNotices(false); // the test is over: a finished job is no news
    int iterations = 0;
    do {
      runInForeground(sleep(Duration.ZERO), loop); // one iteration: every ready callback once
    } while (++iterations < MAX_SETTLE_ITERATIONS && LoopInspection.hasReadyWork(loop));
  }

  /** "[3] ticker": the job number and the name, as jobs() shows them. */
  private static String job(long number, String name) {
    return "[" + number + "] " + name;
  }

  /** What a pending task is doing, in words: "waiting on sleep of ticker", "not started". */
  private static String what(PendingTask task) {
    String awaits = task.awaits();
    String base =
        switch (task.state()) {
          case "Waiting" -> awaits.isEmpty() ? "waiting" : "waiting on " + awaits;
          case "Pending" -> "not started";
          case "Ready" -> "ready for its next step";
          default -> task.state().toLowerCase(java.util.Locale.ROOT);
        };
    return task.state().equals("Waiting") || awaits.isEmpty() ? base : base + " (" + awaits + ")";
  }
}
