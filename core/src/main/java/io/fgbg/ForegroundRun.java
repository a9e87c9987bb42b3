package io.fgbg;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of the loop on behalf of a calling thread: a {@code runInForeground} call, or one phase
 * of {@code close()}; and the caller's side of it (interrupts, leaving early).
 *
 * <p>The run ends at the end of the iteration in which {@code task} became done, or after {@code
 * iterationsLeft} iterations when that is not negative. Whichever thread holds the baton then
 * hands it back to {@code caller}, unless the caller has already left.
 *
 * <h2>States</h2>
 *
 * <pre>
 *   state        caller                      baton holder               next
 *   RUNNING      parked in awaitEnd(), or    dispatching                HANDED_BACK, DETACHED
 *                dispatching itself
 *   HANDED_BACK  wakes, holds the baton,     (has handed it back)       - (the run ends)
 *                ends the run
 *   DETACHED     has left: a second          at the next callback:      - (the loop is free
 *                interrupt, or an Error      releases the loop itself     again)
 * </pre>
 *
 * <p>Transitions: RUNNING to HANDED_BACK by the holder ({@link #claimHandBack}), RUNNING to
 * DETACHED by the caller ({@link #detach}), each a compare-and-set, so exactly one of the two
 * happens. Interrupts of the caller, counted in {@code interrupts} (or by the {@link
 * LoopShutdown} whose phase this is): the first cancels the task the run made and the run goes on
 * until it has finished (a handed-in task too, as bash's {@code fg} then Ctrl-C kills the job),
 * and a step that holds the loop has its thread interrupted; the second asks the loop to stop at
 * the next callback and detaches.
 *
 * <p>Thread regime: {@code caller}, {@code task}, {@code created} never change; {@code
 * interrupts} is the caller's; {@code iterationsLeft} and {@code cancelRequested} the baton
 * holder's; {@code ending} is the one field both sides write.
 */
final class ForegroundRun {
  private static final int RUNNING = 0;
  private static final int HANDED_BACK = 1;
  private static final int DETACHED = 2;

  private final EventLoop loop;
  final Thread caller;
  /** What the run waits for; null for a run of a fixed number of iterations. */
  final AbstractFuture<?> task;
  /** True if this run made {@code task} (runInForeground of a coroutine), and started it. */
  final boolean created;
  /** The shutdown this run is a phase of, which counts interrupts across phases; else null. */
  private final LoopShutdown shutdown;
  /** Iterations still to run, each without waiting; negative: run until {@code task} is done. */
  int iterationsLeft;
  /** Interrupts the caller received during the run; touched by the caller thread only. */
  int interrupts;
  /** The task this run made has been cancelled on its behalf; touched by the baton holder only. */
  private boolean cancelRequested;

  private final AtomicInteger ending = new AtomicInteger(RUNNING);

  ForegroundRun(
      EventLoop loop,
      Thread caller,
      AbstractFuture<?> task,
      boolean created,
      int iterations,
      LoopShutdown shutdown) {
    this.loop = loop;
    this.caller = caller;
    this.task = task;
    this.created = created;
    this.iterationsLeft = iterations;
    this.shutdown = shutdown;
  }

  // ------------------------------------------------------------------ a runInForeground call

  /**
   * Runs the loop in the calling thread until {@code task} (or the task made from {@code
   * coroutine}, which starts at once) is done, and returns its result.
   */
  static <T> T runInForeground(EventLoop loop, AbstractFuture<T> task, Coroutine<T> coroutine)
      throws Exception {
    Thread self = Thread.currentThread();
    loop.checkCanRunHere(self);
    if (task != null && task.isDone()) {
      return task.resultNow();
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before the foreground run started");
    }
    loop.acquireForRun(self);
    EventLoop.RUNNING.set(loop);
    ForegroundRun run = null;
    List<String> notices = List.of();
    try {
      CoroutineTask<T> first = null;
      if (coroutine != null) {
        first = new CoroutineTask<>(loop, coroutine);
        task = first;
      }
      run = new ForegroundRun(loop, self, task, first != null, -1, null);
      loop.dispatcher.drive(run, first);
    } catch (Throwable e) { // something else stopped this thread (an Error, a debugger's stop)
      loop.watch.interruptIfHeld(); // as a first interrupt does: a blocking call in a step ends
      leaveConsistent(loop, self, run);
      cleanUpAfterStop(loop, self, run);
      throw e;
    } finally {
      if (loop.baton.isHeldBy(self)) { // not when a second interrupt left the loop to its holder
        notices = loop.jobs.takeNotices();
        loop.releaseRun();
      }
      EventLoop.RUNNING.remove();
      Jobs.print(notices); // after the loop is released, before the caller gets the outcome
    }
    if (run.interrupts > 0) {
      throw new InterruptedException(
          "foreground run of " + task.describe() + " interrupted (" + task.stateText() + ")");
    }
    return task.resultNow();
  }

  /**
   * The caller is leaving a run abnormally: if a task's thread holds the loop, it is asked to stop
   * at its next callback and release the loop, as after a second interrupt; if the caller holds
   * it, the run is ended here.
   */
  static void leaveConsistent(EventLoop loop, Thread self, ForegroundRun run) {
    if (run == null || run.isDetached()) {
      return;
    }
    Baton baton = loop.baton;
    if (baton.isHeldBy(self)) {
      loop.dispatcher.endRun();
      return;
    }
    baton.detached(self);
    loop.dispatcher.stopNow();
    if (!run.detach()) { // the holder has just handed the loop back: take it, then end the run
      while (!baton.isHeldBy(self)) {
        Thread.onSpinWait();
      }
      loop.dispatcher.endRun();
    }
  }

  /**
   * After something other than an interrupt stopped the caller in a run (JShell's Ctrl-C throws
   * an exception into the thread, and interrupts it to wake it): as after a first interrupt, the
   * task that the run made is cancelled and the loop runs until it has finished its cleanup, so
   * that it is not left pending; another stop or interrupt meanwhile leaves at once.
   */
  private static void cleanUpAfterStop(EventLoop loop, Thread self, ForegroundRun stopped) {
    if (stopped == null || stopped.task == null || stopped.task.isDone()) {
      return;
    }
    boolean interrupted = Thread.interrupted(); // how the stop woke the thread, not a 2nd Ctrl-C
    ForegroundRun run = null;
    try {
      if (!loop.baton.isHeldBy(self)) {
        loop.acquireForRun(self); // the run was left to its holder: once it has released the loop
      }
      if (stopped.created && stopped.task instanceof CoroutineTask<?> task && task.thread == null) {
        task.cancelBeforeStart(); // the stop came as its thread was being started
        return;
      }
      run = new ForegroundRun(loop, self, stopped.task, stopped.created, -1, null);
      run.interrupts = 1; // the stop was the first Ctrl-C
      stopped.cancelTaskOnce();
      run.cancelRequested = true;
      loop.dispatcher.drive(run, null);
    } catch (Throwable again) { // a second stop: leave at once, the loop consistent
      leaveConsistent(loop, self, run);
    } finally {
      if (interrupted) {
        self.interrupt();
      }
    }
  }

  // ------------------------------------------------------------------ the caller's side

  /**
   * Parks the caller until the baton comes back, or it leaves at once on a second interrupt.
   * Meanwhile the caller watches for a step that holds the loop (see {@link SlowStepWatch}).
   */
  void awaitEnd() {
    Baton baton = loop.baton;
    SlowStepWatch watch = loop.watch;
    watch.reset();
    while (!baton.isHeldBy(caller)) {
      LockSupport.parkNanos(this, watch.pollNanos());
      if (Thread.interrupted() && callerInterrupted()) {
        baton.detached(caller); // before detach(): the holder that sees it detached clears it
        if (detach()) {
          return;
        }
      }
      watch.look();
    }
  }

  /**
   * The caller was interrupted (Ctrl-C). The first interrupt cancels the task the run made, or
   * ends the run at the end of the iteration; the next ones stop the loop at the next callback.
   * Returns true if the caller should leave now.
   */
  boolean callerInterrupted() {
    int count = shutdown != null ? shutdown.interrupted() : ++interrupts;
    if (count == 1) {
      loop.watch.interruptHoldingStep(); // a blocking call in a step that holds the loop ends
      if (shutdown == null) {
        loop.runOnLoopOrPost(this::firstInterrupt);
      } // close() goes on: its cleanup is the very thing a first Ctrl-C would wait for
      return false;
    }
    loop.dispatcher.stopNow();
    return true;
  }

  /** Baton holder only. */
  private void firstInterrupt() {
    if (loop.dispatcher.foreground != this) {
      return; // that run is over
    }
    if (cancelsOnInterrupt()) {
      cancelTaskOnce(); // the run ends when the task has finished its cleanup
    } else {
      loop.dispatcher.stopAtEndOfIteration();
    }
  }

  // ------------------------------------------------------------------ the holder's side

  /** Cancels the task this run made, once; later requests do nothing. Baton holder only. */
  void cancelTaskOnce() {
    if (!cancelRequested) {
      cancelRequested = true;
      task.cancelOnLoop();
    }
  }

  /** The caller has left: cancels its task, as its first interrupt asked. Holder only. */
  void cancelTaskIfAsked() {
    if (cancelsOnInterrupt()) {
      cancelTaskOnce();
    }
  }

  /**
   * True if an interrupt of the caller cancels the run's task: the task of a {@code
   * runInForeground} call, made by it or handed in (bash's {@code fg} then Ctrl-C kills the job),
   * while it is not done; never a phase of close(), whose cleanup an interrupt waits for.
   */
  private boolean cancelsOnInterrupt() {
    return shutdown == null && task != null && !task.isDone();
  }

  /** The baton holder claims the end of the run: true if the caller is still waiting for it. */
  boolean claimHandBack() {
    return ending.compareAndSet(RUNNING, HANDED_BACK);
  }

  /** The caller leaves at once: true if the baton holder has not handed the loop back yet. */
  boolean detach() {
    return ending.compareAndSet(RUNNING, DETACHED);
  }

  boolean isDetached() {
    return ending.get() == DETACHED;
  }
}
