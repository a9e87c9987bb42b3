package io.fgbg;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * A blocking call on an executor thread whose outcome comes back through the loop as a task
 * (asyncio's {@code run_in_executor}, with a cancel that really stops the call).
 *
 * <p>The call starts when the executor runs it, at once on the default executor. Its result or
 * exception is posted to the loop's inbox, so the task is done only when the loop runs. Cancelling
 * the task cancels it at once and interrupts the thread running the call; a call that has not
 * started yet never runs. A call that ignores its interrupt goes on in its thread: the job table
 * lists it as {@code Cancelling}, with how long ago it was cancelled, until it returns.
 */
final class BackgroundCall<T> extends AbstractTask<T> implements Runnable {
  private final Callable<T> callable;
  private final Runnable onCancel; // extra cancellation, e.g. of a Future being followed; nullable

  private final Object lock = new Object();
  private Thread runner; // guarded by lock: the thread inside callable.call(), or null
  private volatile boolean cancelRequested;
  private volatile boolean started; // run() has begun (or been skipped for a cancel)
  private volatile Thread starter; // a thread waiting in awaitStart(), or null
  private long cancelledAt; // the loop's time of the cancel; baton holder only

  BackgroundCall(EventLoop loop, Callable<T> callable, Runnable onCancel) {
    super(loop);
    this.callable = callable;
    this.onCancel = onCancel;
  }

  @Override
  String jobState() {
    if (!started) {
      return "Pending";
    }
    synchronized (lock) {
      if (isCancelled()) { // listed only until its thread has returned to the loop
        return "Cancelling";
      }
      return runner != null ? "Running" : "Ready";
    }
  }

  @Override
  boolean isStillRunningAfterCancel() {
    synchronized (lock) {
      return cancelRequested && runner != null;
    }
  }

  @Override
  String jobDetail() {
    if (isCancelled()) {
      synchronized (lock) {
        String thread = runner == null ? "" : runner.getName();
        return "cancelled "
            + Jobs.age(loop.jobs.now() - cancelledAt)
            + " ago, call still running"
            + (thread.isEmpty() ? "" : " in " + thread)
            + ": it ignores its interrupt";
      }
    }
    if (!started) {
      return "call queued on its executor";
    }
    synchronized (lock) {
      if (runner == null) {
        return "call returned, outcome not yet taken by the loop";
      }
      String thread = runner.getName();
      return thread.isEmpty() ? "call running in its thread" : "call running in " + thread;
    }
  }

  /** The name of the thread inside the call now, or null (for {@link Inspection}). */
  String runnerName() {
    Thread thread = runnerThread();
    return thread != null ? thread.getName() : null;
  }

  /** The thread inside the call now, or null (not started, or returned): for ps()'s stack. */
  Thread runnerThread() {
    synchronized (lock) {
      return runner;
    }
  }

  /** Runs on the executor's thread. */
  @Override
  public void run() {
    synchronized (lock) {
      markStarted();
      if (cancelRequested) {
        return;
      }
      runner = Thread.currentThread();
    }
    T value = null;
    Throwable failure = null;
    try {
      value = callable.call();
    } catch (Throwable e) {
      failure = e;
    }
    synchronized (lock) {
      runner = null;
    }
    if (cancelRequested) {
      Thread.interrupted(); // the interrupt was meant for the call, not for the executor's thread
    }
    T result = value;
    Throwable exception = failure;
    loop.post(
        () -> {
          completeUnlessDone(result, exception);
          loop.jobs.callReturned(this);
        });
  }

  private void markStarted() {
    started = true;
    Thread waiting = starter;
    if (waiting != null) {
      LockSupport.unpark(waiting);
    }
  }

  /**
   * Waits until the executor's thread has begun the call, so that "callInBackground starts the
   * call before it returns" holds for the default executor, whose threads start at once.
   */
  void awaitStart() {
    starter = Thread.currentThread();
    boolean interrupted = false;
    while (!started) {
      LockSupport.park(this);
      if (Thread.interrupted()) { // else park() returns at once, again and again
        interrupted = true;
      }
    }
    starter = null;
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  boolean cancelOnLoop() {
    if (isDone()) {
      return false;
    }
    countCancelRequest();
    cancelledAt = loop.jobs.now();
    interruptCall();
    setCancelled(cancelledError(name() + " was cancelled"));
    return true;
  }

  @Override
  void cancelRequestedFromOtherThread() {
    interruptCall(); // at once: the call may be blocked, and the loop may be busy
  }

  private void interruptCall() {
    cancelRequested = true;
    synchronized (lock) {
      if (runner != null) {
        runner.interrupt();
      }
    }
    if (onCancel != null) {
      onCancel.run();
    }
  }

  @Override
  public String toString() {
    return "Task[" + name() + ", background call, " + stateText() + "]";
  }
}
