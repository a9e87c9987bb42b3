package io.fgbg;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The children a loop started that are still running, and the threads that serve their pipes:
 * what {@link EventLoop#close()} must end before it returns (asyncio's child watcher, reduced to
 * what close needs: the JDK reaps the children itself).
 *
 * <p>{@code close()}'s phases cancel every pending task, and with them every child's job, which
 * ends the child (SIGTERM, then SIGKILL). Whatever is left after them, because a second interrupt
 * cut the phases short or a child was started during them, is ended here: SIGKILL, and every pipe
 * thread released; then {@code close()} waits a bounded time for the exits and the threads (a
 * thread stays blocked while a process the child started holds its pipe open).
 *
 * <p>Thread regime: any thread. A child is added by the baton holder when it starts and removed by
 * the JDK thread that sees it exit; a pipe is added when its thread starts and removed by that
 * thread as it ends; {@code close()}'s thread reads both. Concurrent sets, no lock.
 */
final class ChildWatcher {
  private final Set<ProcessJob> running = ConcurrentHashMap.newKeySet();
  private final Set<PipeTransport> pipes = ConcurrentHashMap.newKeySet();

  void started(ProcessJob child) {
    running.add(child);
  }

  void exited(ProcessJob child) {
    running.remove(child);
  }

  void opened(PipeTransport pipe) {
    pipes.add(pipe);
  }

  void ended(PipeTransport pipe) {
    pipes.remove(pipe);
  }

  /** True if no child of the loop runs and no pipe thread is left. */
  boolean isEmpty() {
    return running.isEmpty() && pipes.isEmpty();
  }

  /** The children still running (for tests and close's report). */
  List<ProcessJob> runningChildren() {
    return new ArrayList<>(running);
  }

  /** Kills every child still running and releases every pipe thread; never waits. */
  void endAll() {
    for (ProcessJob child : running) {
      child.killNow();
    }
    for (PipeTransport pipe : pipes) {
      pipe.release();
    }
  }

  /**
   * Waits until every child has exited and every pipe thread has ended, until {@code deadline}
   * (on {@link System#nanoTime()}) at most; true if they all have.
   */
  boolean awaitAll(long deadline) throws InterruptedException {
    for (ProcessJob child : new ArrayList<>(running)) {
      try {
        child.process.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        // onExit never fails; if it did, the child is as gone as the JDK can tell
      }
    }
    for (PipeTransport pipe : new ArrayList<>(pipes)) {
      if (!pipe.awaitEnd(deadline)) {
        return false;
      }
    }
    return true;
  }

  /** What is left, for close()'s report: "process 4242 (sleep 10), stdout of process 4243". */
  String describeLeft() {
    List<String> left = new ArrayList<>();
    for (ProcessJob child : running) {
      left.add("process " + child.pid + " (" + child.shown + ")");
    }
    for (PipeTransport pipe : pipes) {
      left.add(pipe.name());
    }
    return String.join(", ", left);
  }
}
