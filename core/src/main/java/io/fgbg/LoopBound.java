package io.fgbg;

import java.util.function.Supplier;

/**
 * What every building block shares (locks, events, conditions, semaphores, barriers, queues):
 * asyncio's {@code _LoopBoundMixin}. A block belongs to the loop it is first used on, and is used
 * from that loop only.
 *
 * <p>The loop of a call is the one the calling thread runs (inside a task or a callback), or, in
 * plain code between foreground runs (at the prompt), the thread's own loop, {@link
 * EventLoop#current()}: {@code queue.putNowait(item)} typed at the prompt, then {@code
 * runInForeground(consumer)}, is one loop's work. The first call binds the block to that loop; a
 * call from another loop, or from a thread while the block's loop runs elsewhere, is an {@code
 * IllegalStateException}. Each call then runs holding that loop's baton, so a block's state and
 * its waiters' futures have the one owner every future has.
 *
 * <p>Thread regime: {@code loop} is written once, by the first call, holding that loop's baton
 * (a race between two first calls from two loops' threads is settled by the compare below, under
 * each loop's own baton: the loser finds the winner's loop and is refused); everything else a
 * subclass holds is its loop's baton holder's.
 */
abstract class LoopBound {
  private volatile EventLoop loop;

  /** How messages name this block: "AsyncLock", "AsyncQueue", ... */
  abstract String kind();

  /** The block's loop, or null before its first use. */
  final EventLoop boundLoop() {
    return loop;
  }

  /**
   * Runs {@code operation} on this block's loop, holding its baton, binding the block to the
   * calling thread's loop on first use. Never suspends.
   *
   * @param call the public method, for messages ("put", "release")
   * @throws IllegalStateException if the block belongs to another loop, or its loop is closed or
   *     runs in another thread
   */
  final <R> R onLoop(String call, Supplier<R> operation) {
    EventLoop mine = callersLoop();
    EventLoop bound = loop;
    if (bound == null) {
      return mine.onLoop(
          () -> {
            bind(mine, call);
            return operation.get();
          });
    }
    if (bound != mine) {
      throw otherLoop(call);
    }
    return mine.onLoop(operation);
  }

  /** {@link #onLoop(String, Supplier)} for an operation with no result. */
  final void onLoop(String call, Runnable operation) {
    onLoop(
        call,
        () -> {
          operation.run();
          return null;
        });
  }

  /**
   * A future for one waiter of this block, on its loop, described in the job table and in
   * messages as {@code description} ("acquire of AsyncLock"). Baton holder only.
   */
  final <T> LoopFuture<T> newWaiter(String description) {
    return new LoopFuture<>(loop, description);
  }

  private void bind(EventLoop mine, String call) {
    EventLoop bound = loop;
    if (bound == null) {
      loop = mine;
    } else if (bound != mine) {
      throw otherLoop(call);
    }
  }

  /** The loop the calling thread runs, or its own loop at the prompt. */
  private static EventLoop callersLoop() {
    EventLoop running = EventLoop.RUNNING.get();
    return running != null ? running : EventLoop.current();
  }

  private IllegalStateException otherLoop(String call) {
    return new IllegalStateException(
        call
            + "() of "
            + kind()
            + " called from another event loop than the one it belongs to (the loop it was first"
            + " used on): a building block serves the tasks of one loop; from another thread,"
            + " post the call with that loop's callSoonThreadsafe()");
  }
}
