package io.fgbg;

import java.util.function.Supplier;

/**
 * What every building block shares (locks, events, conditions, semaphores, barriers, queues):
 * asyncio's {@code _LoopBoundMixin}. A block belongs to the loop of the task that first waits on
 * it, and is used from that loop only.
 *
 * <p>Binding. The first waiter (a future made by {@link #newWaiter}, always inside a task) binds
 * the block to that task's loop, as asyncio's {@code _get_loop()} does. Until then a block is
 * nobody's: {@code queue.putNowait(item)} or {@code event.set()} in plain code, before any task
 * has waited, touches no loop's futures.
 *
 * <p>Each call runs holding a loop's baton, so that a block's state and its waiters' futures
 * have the one owner every future has: in a task or callback, the baton of the loop the caller
 * runs (a block bound to another loop: {@code IllegalStateException}); in plain code, the baton
 * of the block's loop once bound (taken while that loop is idle; while it runs in another thread:
 * {@code IllegalStateException}), else of the thread's own loop.
 *
 * <p>Thread regime: {@code loop} is written once, by the first waiter, holding that loop's baton;
 * a task of another loop that then waits finds it set and is refused. Everything else a subclass
 * holds is its loop's baton holder's (before binding: the baton of whichever loop the caller
 * used, one call at a time).
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
   * Runs {@code operation} holding the right loop's baton (see the class comment). Never
   * suspends.
   *
   * @param call the public method, for messages ("put", "release")
   * @throws IllegalStateException if the block belongs to another loop than the one the caller
   *     runs, or its loop is closed or runs in another thread
   */
  final <R> R onLoop(String call, Supplier<R> operation) {
    EventLoop running = EventLoop.RUNNING.get();
    EventLoop bound = loop;
    if (running != null) {
      if (bound != null && bound != running) {
        throw otherLoop(call);
      }
      return running.onLoop(operation);
    }
    return (bound != null ? bound : EventLoop.current()).onLoop(operation);
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
   * A future for one waiter of this block, described in the job table and in messages as {@code
   * description} ("acquire of lock"); the first one binds the block to the waiting task's loop.
   * Baton holder only, inside a task.
   *
   * @throws IllegalStateException if the block belongs to another loop
   */
  final <T> LoopFuture<T> newWaiter(String description) {
    EventLoop running = EventLoop.RUNNING.get();
    EventLoop mine = running != null ? running : EventLoop.current();
    EventLoop bound = loop;
    if (bound == null) {
      loop = mine;
    } else if (bound != mine) {
      throw otherLoop(description.substring(0, Math.max(0, description.indexOf(' '))));
    }
    return new LoopFuture<>(mine, description);
  }

  private IllegalStateException otherLoop(String call) {
    return new IllegalStateException(
        call
            + "() of "
            + kind()
            + " called from another event loop than the one it belongs to (the loop of the task"
            + " that first waited on it): a building block serves the tasks of one loop; from"
            + " another thread, post the call with that loop's callSoonThreadsafe()");
  }
}
