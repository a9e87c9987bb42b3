package io.fgbg;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread regime: {@link #submit} runs on the submitting thread, any thread; {@link #run} (the
 * making of the task) and the task's done callback run on the loop, holding its baton; {@link
 * SubmittedFuture#cancel} runs on whatever thread cancels. They meet on two fields: {@code state},
 * which {@code run} and a submitter that finds the loop closed race for by compare-and-set (exactly
 * one wins), and {@code task}, volatile, written once by {@code run}. A cancel writes the future's
 * state and then reads {@code task}; {@code run} writes {@code task} and then reads the future's
 * state: whichever comes second sees the other, so a cancelled future always cancels its task.
 *
 * <p>asyncio's {@code run_coroutine_threadsafe}: a coroutine handed to a loop from any thread, made
 * into a task on that loop, and a {@link CompletableFuture} chained to the task (asyncio's {@code
 * _chain_future}): the task's outcome completes the future, and cancelling the future cancels the
 * task.
 *
 * <p>A submission posted while another thread closes the loop either runs (and close() cancels
 * its task), or is taken back by its submitter, which throws; a post that joins the inbox after
 * close()'s last drain and before it marks the loop closed is found there when the loop releases
 * its resources, and its future fails with an {@code IllegalStateException}: never left
 * incomplete.
 *
 * @param <T> the coroutine's result type
 */
final class Submission<T> implements Runnable, DroppedAtClose {
  private static final int NEW = 0;
  private static final int STARTED = 1;
  private static final int ABANDONED = 2;

  private final EventLoop loop;
  private final Coroutine<T> coroutine;
  private final SubmittedFuture<T> future = new SubmittedFuture<>(this);
  private final AtomicInteger state = new AtomicInteger(NEW);
  private volatile CoroutineTask<T> task;

  private Submission(EventLoop loop, Coroutine<T> coroutine) {
    this.loop = loop;
    this.coroutine = coroutine;
  }

  /**
   * Makes the task at once if the calling thread holds the loop or the loop is idle, else posts
   * its making through the thread-safe inbox (waiting for room under a flood, as {@code
   * callSoonThreadsafe} does).
   *
   * @throws IllegalStateException if the loop is closed
   */
  static <T> CompletableFuture<T> submit(EventLoop loop, Coroutine<T> coroutine) {
    loop.checkOpen();
    Submission<T> s = new Submission<>(loop, coroutine);
    Thread self = Thread.currentThread();
    if (loop.baton.isHeldBy(self)) {
      s.run();
    } else if (!loop.baton.isRunning() && loop.baton.tryTake(self)) { // idle: take it briefly
      boolean closedMeanwhile = loop.isClosed();
      try {
        if (!closedMeanwhile) {
          s.run();
        }
      } finally {
        loop.baton.release();
      }
      if (closedMeanwhile) {
        loop.checkOpen();
      }
    } else {
      loop.sources.postFromUser(s);
      if (loop.isClosed() && s.state.compareAndSet(NEW, ABANDONED)) { // close() won the race
        loop.sources.unpost(s);
        loop.checkOpen();
      }
    }
    return s.future;
  }

  /** Makes the task and chains the future to it. Baton holder only. */
  @Override
  public void run() {
    assert loop.inLoop() : "a submitted coroutine made into a task off the loop";
    if (!state.compareAndSet(NEW, STARTED)) {
      return; // its submitter found the loop closed and has thrown
    }
    CoroutineTask<T> t;
    try {
      t = new CoroutineTask<>(loop, coroutine);
      loop.scheduleStep(t);
    } catch (RuntimeException | Error e) {
      future.completeExceptionally(e); // asyncio: set on the future, and reported too
      throw e;
    }
    task = t;
    t.markObserved(); // the future takes its outcome, as _chain_future does
    AbstractFuture.DoneCallback chain = done -> copyState(t);
    t.addCallback(chain);
    if (future.isCancelled()) {
      t.cancelOnLoop(); // cancelled before the task was made: it never runs
    }
  }

  /** asyncio's {@code _set_concurrent_future_state}: the task's outcome, on the future. */
  private void copyState(CoroutineTask<T> t) {
    Throwable failure = t.failureNow();
    if (failure != null) {
      future.completeExceptionally(failure); // a CancellationException makes it cancelled
    } else {
      try {
        future.complete(t.resultNow());
      } catch (Exception e) {
        throw new AssertionError("a task that succeeded threw", e);
      }
    }
  }

  /** The loop closed before the task was made: the future fails, never left incomplete. */
  @Override
  public void droppedAtClose() {
    if (state.compareAndSet(NEW, ABANDONED)) {
      future.completeExceptionally(
          new IllegalStateException(
              "the event loop closed before the submitted coroutine could start"));
    }
  }

  @Override
  public String toString() {
    return "submission of " + coroutine;
  }

  /** The submitter's future: cancelling it cancels the task (asyncio's _call_check_cancel). */
  private static final class SubmittedFuture<T> extends CompletableFuture<T> {
    private final Submission<T> submission;

    SubmittedFuture(Submission<T> submission) {
      this.submission = submission;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      CoroutineTask<T> t = submission.task;
      if (t != null) {
        t.cancel(); // from any thread; a no-op once the task is done
      }
      return cancelled;
    }
  }
}
