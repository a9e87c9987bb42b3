package io.fgbg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A single-threaded, deterministic event loop in the manner of asyncio's.
 *
 * <p>Each thread has a loop of its own ({@link #current()}), created on first use. The loop runs
 * only while some thread runs it in the foreground ({@link Fgbg#runInForeground}); in between it
 * holds its tasks, timers and callbacks where they stand. It runs in iterations: at the start of
 * each, callbacks posted from other threads and timers that are due join the ready queue; then
 * the callbacks that were ready when the iteration began run, one after another, in order.
 *
 * <pre>{@code
 * EventLoop loop = EventLoop.current();
 * loop.callLater(ofSeconds(1), () -> System.out.println("a second later"));
 * runInForeground(sleep(ofSeconds(2)));   // prints "a second later"
 * }</pre>
 *
 * <h2>How it runs: the baton</h2>
 *
 * The loop is a baton, not a thread. Each task's body runs on a virtual thread of its own, and
 * whichever thread holds the baton runs the dispatcher: it takes the next ready callback and runs
 * it; when that callback is the next step of a task, it hands the baton to that task's thread and
 * parks. A task that awaits runs the dispatcher itself, so that when the next step is its own it
 * simply goes on. The thread that called {@code runInForeground} hands the loop over once, and is
 * woken once, when the run is over: switches between tasks cost a virtual thread hand-off, never
 * a platform thread's.
 *
 * <h2>Differences from asyncio</h2>
 *
 * {@code runInForeground} of a coroutine starts it at once, ahead of what is already ready, and
 * the run stops at the end of the iteration in which its task finished (asyncio stops one
 * iteration later, when the done callback of {@code run_until_complete} runs; {@link #close()}
 * runs that iteration). A loop can be run by any thread that is not running another loop, one
 * thread at a time.
 */
public final class EventLoop implements AutoCloseable {
  private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();
  /**
   * The loop this thread is running: set on the threads of tasks for their whole life, and on a
   * caller's thread for the length of its foreground run. {@link #current()} answers it first, and
   * no thread runs two loops at once.
   */
  private static final ThreadLocal<EventLoop> RUNNING = new ThreadLocal<>();
  /** The task whose body runs on this thread (set on the virtual threads of tasks). */
  static final ThreadLocal<CoroutineTask<?>> TASK = new ThreadLocal<>();

  private static final Object STOP = new Object();
  private static final VarHandle OWNER;

  static {
    try {
      OWNER = MethodHandles.lookup().findVarHandle(EventLoop.class, "owner", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Invariant: every field below that is not volatile is touched only by the thread holding the
  // baton (owner); handing the baton over publishes them to the next holder.

  // ---- shared between threads

  /** The thread holding the baton, or null when nobody runs the loop. */
  private volatile Thread owner;
  /** True while a foreground run (or close) is in progress. */
  private volatile boolean running;
  private volatile boolean closed;
  /** Stop at the next callback boundary: the caller was interrupted twice. */
  private volatile boolean stopNow;
  /** A thread that left its run at once (second interrupt) and whose run has not ended yet. */
  private volatile Thread detachedCaller;

  /** The inbox, the timers, the clock, and the wait for work. */
  private final EventSources sources;

  // ---- baton holder only

  private final ArrayDeque<Object> ready = new ArrayDeque<>(); // CoroutineTask steps, Runnables
  private int ntodo; // callbacks left in the current iteration
  private boolean stopping; // end the run at the end of this iteration
  private ForegroundRun foreground;
  /** While close() runs: the interrupts it has received, across its phases; else null. */
  private int[] closing;
  /** The task whose step is running (asyncio's current_task), or null. */
  CoroutineTask<?> currentTask;

  /** The tasks that are not done, and the finished jobs not yet reported. */
  final Jobs jobs;
  /** The exception handler, and the default one. */
  private final LoopExceptions exceptions = new LoopExceptions(this);
  /** Task threads that have left the loop for good; joined by close(). */
  private final ArrayList<Thread> retiredThreads = new ArrayList<>();
  private int retiredPruneAt = 1024;
  private ExecutorService defaultExecutor;

  private final Thread.Builder.OfVirtual taskThreads = Thread.ofVirtual();

  private EventLoop(LoopClock clock) {
    this.sources = new EventSources(clock);
    this.jobs = new Jobs(sources, exceptions);
  }

  // ------------------------------------------------------------------ public API

  /**
   * The calling thread's loop, created on first use. Inside a task, or a callback, it is the loop
   * running them, whatever thread runs the body. If the thread's loop was closed, a new one takes
   * its place.
   *
   * @return the loop, never null
   */
  public static EventLoop current() {
    EventLoop running = RUNNING.get();
    if (running != null) {
      return running;
    }
    EventLoop loop = CURRENT.get();
    if (loop == null || loop.closed) {
      loop = new EventLoop(LoopClock.real());
      CURRENT.set(loop);
    }
    return loop;
  }

  /**
   * A new loop, bound to no thread: run it with the {@code runInForeground} overloads that take
   * a loop, or bind it with {@link #setCurrent}.
   *
   * @return the new loop
   */
  public static EventLoop create() {
    return new EventLoop(LoopClock.real());
  }

  /** A new loop on a virtual clock that jumps to the next timer instead of waiting (tests). */
  static EventLoop createWithVirtualClock() {
    return new EventLoop(LoopClock.virtual(0));
  }

  /** The same, where each reading of the clock takes {@code tickNanos} (see LoopClock). */
  static EventLoop createWithVirtualClock(long tickNanos) {
    return new EventLoop(LoopClock.virtual(tickNanos));
  }

  /**
   * Binds {@code loop} to the calling thread, so that {@link #current()} returns it; with null,
   * unbinds the thread's loop (the next {@code current()} creates a new one).
   *
   * @param loop the loop, or null
   */
  public static void setCurrent(EventLoop loop) {
    if (loop == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(loop);
    }
  }

  /**
   * Tells whether a foreground run of this loop is in progress.
   *
   * @return true while some thread runs the loop
   */
  public boolean isRunning() {
    return running;
  }

  /**
   * Tells whether {@link #close()} has finished.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * The loop's clock: the time since the loop was created. Timers and sleeps are measured on it.
   *
   * @return the time, never negative
   */
  public Duration time() {
    return Duration.ofNanos(sources.now());
  }

  /**
   * Switches the job notices of this loop on (the default) or off. With notices on, each {@code
   * runInForeground} ends by printing on {@code System.err} one line for each background job that
   * finished since the last report and whose outcome nobody took ({@code [2]+  Done  ticker}),
   * and for each task that failed with an exception nobody retrieved; see {@link Fgbg#jobs()}.
   * With notices off they wait, a bounded number of them, for {@link Fgbg#jobs()} to list them.
   * Safe from any thread.
   *
   * @param on true to print notices, false for quiet (a benchmark, a test)
   */
  public void setJobNotices(boolean on) {
    jobs.notices = on;
  }

  /**
   * Sets the handler of the errors this loop cannot hand to any caller (asyncio's {@code
   * set_exception_handler}): callbacks that throw, failures nobody retrieved, errors of fgbg
   * itself; see {@link ExceptionHandler}. Safe from any thread; never suspends.
   *
   * @param handler the handler, or null for the default, which logs through {@link System.Logger}
   */
  public void setExceptionHandler(ExceptionHandler handler) {
    exceptions.setHandler(handler);
  }

  /**
   * Hands {@code context} to this loop's exception handler, or to the default one (asyncio's
   * {@code call_exception_handler}), on the calling thread. An exception the handler throws is
   * reported by the default handler, never thrown from here. Never suspends.
   *
   * @param context what happened
   * @throws NullPointerException if {@code context} is null
   */
  public void callExceptionHandler(ExceptionContext context) {
    exceptions.call(context);
  }

  /**
   * Schedules {@code callback} to run on the loop, after the callbacks already ready.
   *
   * @param callback what to run; an exception it throws is reported on {@code System.err}
   * @return a handle that can cancel it
   * @throws NullPointerException if {@code callback} is null
   * @throws IllegalStateException if the loop is closed, or running in another thread (use
   *     {@link #callSoonThreadsafe})
   */
  public Handle callSoon(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    return onLoop(() -> callSoonOnLoop(callback));
  }

  /**
   * Schedules {@code callback} to run on the loop once {@code delay} has passed on its clock.
   * Timers fire in deadline order, timers with the same deadline in the order they were made.
   *
   * @param delay how long from now; zero or negative: at the next iteration
   * @param callback what to run; an exception it throws is reported on {@code System.err}
   * @return a handle that can cancel it
   * @throws NullPointerException if {@code delay} or {@code callback} is null
   * @throws IllegalStateException if the loop is closed, or running in another thread
   */
  public Handle callLater(Duration delay, Runnable callback) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(callback, "callback");
    long nanos = saturatedNanos(delay);
    return onLoop(() -> callLaterOnLoop(nanos, callback));
  }

  /**
   * Schedules {@code callback} to run on the loop; safe from any thread. If the loop is waiting
   * for work it wakes up; if nobody runs it, the callback runs at its next foreground run.
   *
   * @param callback what to run; an exception it throws is reported on {@code System.err}
   * @throws NullPointerException if {@code callback} is null
   * @throws IllegalStateException if the loop is closed
   */
  public void callSoonThreadsafe(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    checkOpen();
    if (owner == Thread.currentThread()) {
      callSoonOnLoop(callback); // on the loop's own thread: in order with callSoon
    } else {
      post(callback);
    }
  }

  /**
   * Ends the loop as {@code asyncio.run} does after its main coroutine: one iteration without
   * waiting, then every pending task is cancelled and the loop runs until they have finished
   * (their cleanup code runs), then the shutdown iterations; then it releases its threads and
   * executor. Up to there, tasks run exactly as under {@code asyncio.run}. Where asyncio would
   * then abandon tasks still pending (made by that cleanup), fgbg cancels them the same way, a
   * few rounds at most, so that no thread is left behind. A closed loop refuses new work; closing
   * it again does nothing.
   *
   * <p>An interrupt of the calling thread does not cut the shutdown short: the interrupt status is
   * kept for the caller. A second interrupt while the loop shuts down leaves at once, abandoning
   * what is still pending (its cleanup may not have run).
   *
   * @throws IllegalStateException if called inside a task or callback, or while the loop runs in
   *     another thread
   */
  @Override
  public void close() {
    Thread self = Thread.currentThread();
    if (closed) {
      return;
    }
    if (owner == self || RUNNING.get() != null) {
      throw new IllegalStateException(
          "cannot close a running event loop (close() was called inside a task or callback)");
    }
    boolean wasInterrupted = Thread.interrupted(); // kept for the caller, not a reason to stop
    try {
      acquireForRun(self);
    } catch (InterruptedException e) {
      self.interrupt();
      throw new IllegalStateException(
          "close() interrupted while an interrupted run is still inside a task step", e);
    } catch (RuntimeException e) { // running in another thread: the status stays as it was
      if (wasInterrupted) {
        self.interrupt();
      }
      throw e;
    }
    EventLoop previous = RUNNING.get();
    RUNNING.set(this);
    closing = new int[1];
    try {
      // asyncio.run after its main task: the iteration in which its stop callback runs, one
      // round of cancelling every pending task, then the shutdown iterations
      // (shutdown_asyncgens, shutdown_default_executor: two each).
      boolean abandoned =
          runIterations(self, 1) || cancelPendingTasks(self) || runIterations(self, 4);
      // Beyond asyncio.run, which would abandon them: tasks still pending (made by cleanup code)
      // are cancelled too, a few rounds at most, so that no task thread is left behind.
      for (int round = 0; round < 3 && !abandoned && jobs.hasPending(); round++) {
        abandoned = cancelPendingTasks(self);
      }
    } finally {
      closed = true;
      jobs.forgetFinished();
      if (owner == self) { // else a second interrupt left a task step holding the loop
        ready.clear();
        sources.clear();
        releaseRun();
        shutDownThreads();
      }
      if (wasInterrupted || closing[0] > 0) {
        self.interrupt();
      }
      closing = null;
      RUNNING.set(previous);
    }
  }

  @Override
  public String toString() {
    return "EventLoop[" + (closed ? "closed" : running ? "running" : "idle") + "]";
  }

  // ------------------------------------------------------------------ foreground runs

  /**
   * Runs the loop in the calling thread until {@code task} (or the task made from {@code
   * coroutine}, which starts at once) is done, and returns its result.
   */
  <T> T runInForeground(AbstractFuture<T> task, Coroutine<T> coroutine) throws Exception {
    Thread self = Thread.currentThread();
    checkCanRunHere(self);
    if (task != null && task.isDone()) {
      return task.resultNow();
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before the foreground run started");
    }
    acquireForRun(self);
    RUNNING.set(this);
    ForegroundRun run = null;
    List<String> notices = List.of();
    try {
      CoroutineTask<T> first = null;
      if (coroutine != null) {
        first = new CoroutineTask<>(this, coroutine);
        task = first;
      }
      run = new ForegroundRun(self, task, first != null, -1);
      drive(run, first);
    } catch (Throwable e) { // something else stopped this thread (an Error, a debugger's stop)
      leaveConsistent(self, run);
      cleanUpAfterStop(self, run);
      throw e;
    } finally {
      if (owner == self) { // not when a second interrupt left the loop to its holder
        notices = jobs.takeNotices();
        releaseRun();
      }
      RUNNING.remove();
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
  private void leaveConsistent(Thread self, ForegroundRun run) {
    if (run == null || run.isDetached()) {
      return;
    }
    if (owner == self) {
      endRun();
      return;
    }
    detachedCaller = self;
    stopNow = true;
    sources.wakeUp();
    if (!run.detach()) { // the holder has just handed the loop back: take it, then end the run
      while (owner != self) {
        Thread.onSpinWait();
      }
      endRun();
    }
  }

  /**
   * After something other than an interrupt stopped the caller in a run (JShell's Ctrl-C throws
   * an exception into the thread, and interrupts it to wake it): as after a first interrupt, the
   * task that the run made is cancelled and the loop runs until it has finished its cleanup, so
   * that it is not left pending; another stop or interrupt meanwhile leaves at once.
   */
  private void cleanUpAfterStop(Thread self, ForegroundRun stopped) {
    if (stopped == null || !stopped.created || stopped.task.isDone()) {
      return;
    }
    boolean interrupted = Thread.interrupted(); // how the stop woke the thread, not a 2nd Ctrl-C
    ForegroundRun run = null;
    try {
      if (owner != self) {
        acquireForRun(self); // the run was left to its holder: once it has released the loop
      }
      if (stopped.task instanceof CoroutineTask<?> task && task.thread == null) {
        task.cancelBeforeStart(); // the stop came as its thread was being started
        return;
      }
      run = new ForegroundRun(self, stopped.task, true, -1);
      run.interrupts = 1; // the stop was the first Ctrl-C
      stopped.cancelTaskOnce();
      run.cancelRequested = true;
      drive(run, null);
    } catch (Throwable again) { // a second stop: leave at once, the loop consistent
      leaveConsistent(self, run);
    } finally {
      if (interrupted) {
        self.interrupt();
      }
    }
  }

  /** Checks that the calling thread may run this loop in the foreground. */
  private void checkCanRunHere(Thread self) {
    EventLoop running = RUNNING.get();
    if (running == this || owner == self) {
      throw new IllegalStateException(
          "runInForeground() cannot be called inside a task or callback: the event loop is already"
              + " running in this thread; use await() instead");
    }
    if (running != null) {
      throw new IllegalStateException(
          "runInForeground() cannot run a loop inside a task or callback of another running loop:"
              + " one thread runs one loop at a time; use await() on that loop instead");
    }
    checkOpen();
  }

  /**
   * asyncio's {@code _cancel_all_tasks}: cancels every pending task, in the order they were made,
   * and runs until all have finished, plus the iteration of the stop callback. Returns true if
   * interrupted.
   */
  private boolean cancelPendingTasks(Thread self) {
    if (!jobs.hasPending()) {
      return false;
    }
    List<AbstractFuture<?>> toCancel = jobs.pendingList();
    for (AbstractFuture<?> task : toCancel) {
      task.cancelOnLoop();
    }
    return runUntilDone(self, Tasks.allDone(this, toCancel)) || runIterations(self, 1);
  }

  /** Runs {@code iterations} iterations without waiting. Returns true if interrupted. */
  private boolean runIterations(Thread self, int iterations) {
    ForegroundRun run = new ForegroundRun(self, null, false, iterations);
    drive(run, null);
    return run.isDetached() || stoppedByInterrupts();
  }

  /** During close(): true once a second interrupt has cut the shutdown short. */
  private boolean stoppedByInterrupts() {
    return closing != null && closing[0] >= 2;
  }

  /** Runs until {@code future} is done. Returns true if interrupted. */
  private boolean runUntilDone(Thread self, AbstractFuture<?> future) {
    ForegroundRun run = new ForegroundRun(self, future, false, -1);
    drive(run, null);
    return run.isDetached() || stoppedByInterrupts();
  }

  /** One run: the calling thread holds the baton on entry and, unless detached, on return. */
  private void drive(ForegroundRun run, CoroutineTask<?> first) {
    foreground = run;
    stopping = run.task != null && run.task.isDone();
    stopNow = false;
    runAsCaller(run, first);
    if (!run.isDetached()) {
      endRun();
    }
  }

  /** The caller's part: dispatch until a task step needs a virtual thread, then wait for the end. */
  private void runAsCaller(ForegroundRun run, CoroutineTask<?> first) {
    if (first != null) {
      startThread(first); // its first step, ahead of everything already ready
      awaitRunEnd(run);
      return;
    }
    for (; ; ) {
      Object item = nextReady();
      if (item == STOP) {
        return;
      }
      if (item instanceof CoroutineTask<?> task) {
        if (switchTo(task)) {
          awaitRunEnd(run);
          return;
        }
      } else {
        runCallback((Runnable) item);
      }
    }
  }

  /** Parks the caller until the baton comes back, or it leaves at once on a second interrupt. */
  private void awaitRunEnd(ForegroundRun run) {
    Thread self = run.caller;
    while (owner != self) {
      LockSupport.park(this);
      if (Thread.interrupted() && callerInterrupted(run)) {
        detachedCaller = self; // before detach(): the holder that sees it detached clears it
        if (run.detach()) {
          return;
        }
      }
    }
  }

  /**
   * The caller was interrupted (Ctrl-C). The first interrupt cancels the task the run made, or
   * ends the run at the end of the iteration; the next ones stop the loop at the next callback.
   * Returns true if the caller should leave now.
   */
  private boolean callerInterrupted(ForegroundRun run) {
    int[] closeCount = closing;
    int count = closeCount != null ? ++closeCount[0] : ++run.interrupts;
    if (count == 1) {
      if (closeCount == null) {
        runOnLoopOrPost(() -> firstInterrupt(run));
      } // close() goes on: its cleanup is the very thing a first Ctrl-C would wait for
      return false;
    }
    stopNow = true;
    sources.wakeUp();
    return true;
  }

  private void firstInterrupt(ForegroundRun run) {
    if (foreground != run) {
      return; // that run is over
    }
    if (run.created && !run.task.isDone()) {
      run.cancelTaskOnce(); // the run ends when the task has finished its cleanup
    } else {
      stopping = true;
    }
  }

  /** The holder reached the end of the run: hand the loop back to the caller, or release it. */
  private void handBackToCaller() {
    ForegroundRun run = foreground;
    if (run.claimHandBack()) {
      handTo(run.caller);
    } else { // the caller has left (two interrupts): nobody to hand it to
      if (run.created && !run.task.isDone()) {
        run.cancelTaskOnce(); // what the first interrupt asked; its request may be in the inbox
      }
      endRun();
      releaseRun();
    }
  }

  private void endRun() {
    foreground = null;
    stopping = false;
    stopNow = false;
    ntodo = 0; // callbacks of an iteration cut short by a second interrupt run in the next one
  }

  private void releaseRun() {
    retiredThreads.removeIf(t -> !t.isAlive());
    running = false;
    owner = null;
    detachedCaller = null; // last: a caller waiting for its detached run sees the loop free first
  }

  /** Takes the baton for a foreground run; waits while another thread holds it briefly. */
  private void acquireForRun(Thread self) throws InterruptedException {
    for (; ; ) {
      checkOpen();
      if (OWNER.compareAndSet(this, null, self)) {
        if (closed) {
          owner = null;
          checkOpen();
        }
        running = true;
        return;
      }
      if (!isBusyElsewhere(self)) {
        Thread.onSpinWait();
      } else {
        throw new IllegalStateException(
            "the event loop is already running in another thread: a loop runs in one thread at a"
                + " time; from this thread, use callSoonThreadsafe() or a task's"
                + " toCompletableFuture()");
      }
    }
  }

  /**
   * After a failed attempt to take the baton: false if it is worth trying again (a brief holder,
   * a run just ending, or this thread's own interrupted run, which ends at its next callback:
   * waited for here), true if another thread runs the loop.
   */
  private boolean isBusyElsewhere(Thread self) throws InterruptedException {
    if (!running) {
      return false;
    }
    if (detachedCaller == self) {
      LockSupport.parkNanos(this, 50_000);
      if (Thread.interrupted()) {
        throw new InterruptedException(
            "interrupted while the interrupted run of this thread is still inside a task step");
      }
      return false;
    }
    return running; // read again: releaseRun() clears running before detachedCaller
  }

  // ------------------------------------------------------------------ the dispatcher

  /**
   * Runs the loop on the thread of a suspended task until that task's next step comes up; the
   * only way a task waits. The calling thread holds the baton on entry and on return.
   */
  void dispatchWhileSuspended(Thread self, CoroutineTask<?> mine) {
    for (; ; ) {
      Object item = nextReady();
      if (item == STOP) {
        handBackToCaller();
        awaitBaton(self);
        return;
      }
      if (item instanceof CoroutineTask<?> task) {
        if (task == mine) {
          return; // our own step is next: no switch at all
        }
        boolean nextIsMine = ready.peekFirst() == mine; // read before the baton leaves
        if (switchTo(task)) {
          awaitBaton(self, nextIsMine);
          return;
        }
      } else {
        runCallback((Runnable) item);
      }
    }
  }

  /** The body of a task thread: runs its task, then the loop, adopting tasks that start next. */
  private void taskThread(CoroutineTask<?> first) {
    Thread self = Thread.currentThread();
    RUNNING.set(this);
    awaitBaton(self);
    try {
      CoroutineTask<?> task = first;
      while (task != null) {
        task.thread = self;
        TASK.set(task);
        task.runBody();
        TASK.set(null);
        task = dispatchWhileFree(self);
      }
    } catch (Throwable e) { // a bug in fgbg itself: do not leave the caller waiting forever
      reportException("Internal error in the fgbg event loop", e);
      if (owner == self) {
        handBackToCaller();
      }
    }
  }

  /**
   * Runs the loop on a task thread whose task is done. Returns a task that has not started, for
   * this thread to run next, or null when the baton has left this thread and it should end.
   */
  private CoroutineTask<?> dispatchWhileFree(Thread self) {
    for (; ; ) {
      Object item = nextReady();
      if (item == STOP) {
        retire(self);
        handBackToCaller();
        return null;
      }
      if (item instanceof CoroutineTask<?> task) {
        if (task.thread != null) {
          retire(self);
          handTo(task.thread);
          return null;
        }
        if (task.mustCancel) {
          task.cancelBeforeStart();
        } else {
          return task; // run it on this thread: no thread start, no switch
        }
      } else {
        runCallback((Runnable) item);
      }
    }
  }

  /** Notes a task thread that is about to end, for close() to join; forgets those that ended. */
  private void retire(Thread thread) {
    if (retiredThreads.size() >= retiredPruneAt) { // a long run ends many threads
      retiredThreads.removeIf(t -> !t.isAlive());
      retiredPruneAt = Math.max(1024, 2 * retiredThreads.size());
    }
    retiredThreads.add(thread);
  }

  /** Hands the baton to {@code task}'s thread. False if the task needed none (cancelled). */
  private boolean switchTo(CoroutineTask<?> task) {
    Thread thread = task.thread;
    if (thread != null) {
      handTo(thread);
      return true;
    }
    if (task.mustCancel) {
      task.cancelBeforeStart();
      return false;
    }
    startThread(task);
    return true;
  }

  private void startThread(CoroutineTask<?> task) {
    Thread thread = taskThreads.name(task.name()).unstarted(() -> taskThread(task));
    task.thread = thread;
    owner = thread;
    try {
      thread.start();
    } catch (Throwable e) { // out of memory or threads: the baton stays where it was
      owner = Thread.currentThread();
      task.thread = null;
      throw e;
    }
  }

  private void handTo(Thread thread) {
    owner = thread;
    LockSupport.unpark(thread);
  }

  /**
   * How long a thread spins for the baton, in spin-wait hints (a few microseconds at most), before
   * it parks, when its own step is the next one after the step it handed the baton to. Two tasks
   * that hand work to each other then switch without parking at all, where park and unpark would
   * wake the scheduler's other carrier thread each time; with more tasks ready, a thread parks at
   * once, so that spinning never holds a carrier another task needs.
   */
  private static final int SPINS_WHEN_NEXT = 100;

  /**
   * Spinning pays only when the task handed the baton can run on another carrier meanwhile: with
   * one carrier (one CPU, or the scheduler's parallelism set to 1) it would wait for the spin.
   */
  private static final boolean SPIN =
      Integer.getInteger(
              "jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors())
          > 1;

  /** {@link #awaitBaton}, spinning briefly first if this thread's step is next. */
  private void awaitBaton(Thread self, boolean nextIsMine) {
    if (nextIsMine && SPIN) {
      for (int i = 0; i < SPINS_WHEN_NEXT; i++) {
        if (owner == self) {
          return;
        }
        Thread.onSpinWait();
      }
    }
    awaitBaton(self);
  }

  /** Parks until this thread holds the baton. Interrupts do not end the wait; they are kept. */
  private void awaitBaton(Thread self) {
    boolean interrupted = false;
    while (owner != self) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        interrupted = true;
      }
    }
    if (interrupted) {
      self.interrupt();
    }
  }

  /**
   * The next callback to run, or STOP. This and {@link #beginIteration} are the only place where
   * the loop decides what runs next.
   */
  private Object nextReady() {
    for (; ; ) {
      if (ntodo > 0) {
        if (stopNow) {
          return STOP;
        }
        ntodo--;
        return ready.pollFirst();
      }
      if (stopping || stopNow) {
        return STOP;
      }
      beginIteration();
    }
  }

  /** asyncio's _run_once up to the callbacks: inbox, due timers, waiting while nothing is ready. */
  private void beginIteration() {
    ForegroundRun run = foreground;
    boolean noWait = false;
    if (run.iterationsLeft >= 0) {
      if (run.iterationsLeft == 0) {
        stopping = true;
        return;
      }
      run.iterationsLeft--;
      noWait = true;
    }
    boolean isCaller = Thread.currentThread() == run.caller;
    if (isCaller && Thread.interrupted()) {
      callerInterrupted(run);
    }
    for (; ; ) {
      long next = sources.collect(ready);
      if (!ready.isEmpty() || noWait || stopping || stopNow) {
        break;
      }
      sources.waitForWork(this, next);
      if (Thread.interrupted() && isCaller) {
        callerInterrupted(run);
      } // a task thread's own interrupt cannot end a wait that is not its own: dropped
    }
    ntodo = ready.size();
  }

  /** True once a second interrupt has asked the loop to stop at the next callback. */
  boolean mustStopNow() {
    return stopNow;
  }

  private void runCallback(Runnable callback) {
    try {
      callback.run();
    } catch (Throwable e) {
      if (e instanceof InterruptedException && Thread.currentThread() == foreground.caller) {
        Thread.currentThread().interrupt(); // Ctrl-C hit a blocking call in the callback: keep it
      }
      reportException("Exception in callback " + callback, e);
    }
  }

  void reportException(String context, Throwable e) {
    exceptions.report(context, e);
  }

  // ------------------------------------------------------------------ for the other classes


  /**
   * Runs {@code operation} holding the baton: at once if the calling thread holds it, taking it
   * if the loop is idle.
   *
   * @throws IllegalStateException if the loop is closed or running in another thread
   */
  <R> R onLoop(Supplier<R> operation) {
    Thread self = Thread.currentThread();
    if (owner == self) {
      checkOpen();
      return operation.get();
    }
    for (; ; ) {
      checkOpen();
      if (OWNER.compareAndSet(this, null, self)) {
        try {
          checkOpen();
          return operation.get();
        } finally {
          owner = null;
        }
      }
      boolean busy;
      try {
        busy = isBusyElsewhere(self);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e.getMessage(), e);
      }
      if (busy) {
        throw new IllegalStateException(
            "the event loop is running in another thread: use callSoonThreadsafe() or a task of"
                + " that loop");
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Runs {@code action} on the loop now if this thread holds it or it is idle (true), else posts
   * it through the inbox (false).
   */
  boolean runOnLoopOrPost(Runnable action) {
    Thread self = Thread.currentThread();
    if (owner == self) {
      action.run();
      return true;
    }
    if (!running && OWNER.compareAndSet(this, null, self)) { // the loop is idle: take it briefly
      try {
        action.run();
      } finally {
        owner = null;
      }
      return true;
    }
    post(action);
    return false;
  }

  /** Adds to the thread-safe inbox and wakes the loop if it waits; dropped once closed. */
  void post(Runnable callback) {
    if (!closed) {
      sources.post(callback);
    }
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the event loop is closed");
    }
  }

  /** Called by every future as it becomes done. Baton holder only. */
  void futureDone(AbstractFuture<?> future) {
    ForegroundRun run = foreground;
    if (run != null && run.task == future) {
      stopping = true;
    }
    if (future instanceof AbstractTask<?> task && task.isJob()) {
      jobs.done(task, run != null && run.task == future);
    }
  }

  void scheduleStep(CoroutineTask<?> task) {
    appendReady(task);
  }

  CallbackHandle callSoonOnLoop(Runnable callback) {
    CallbackHandle handle = new CallbackHandle(callback);
    appendReady(handle);
    return handle;
  }

  /**
   * Appends to the ready queue, after what other threads posted before: as in asyncio, where
   * {@code call_soon_threadsafe} appends to the ready queue at once, work posted from a thread
   * keeps its place among the loop's own.
   */
  private void appendReady(Object item) {
    sources.drainInbox(ready);
    ready.addLast(item);
  }

  TimerHandle callLaterOnLoop(long delayNanos, Runnable callback) {
    return sources.callLater(delayNanos, callback);
  }

  /** The loop's selector, opened for the first socket. Baton holder only. */
  SelectorEvents io() {
    return sources.io();
  }

  /** The executor of background calls when none is given: one virtual thread per call. */
  ExecutorService defaultExecutor() {
    if (defaultExecutor == null) {
      defaultExecutor =
          Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fgbg-background-", 1).factory());
    }
    return defaultExecutor;
  }

  static long saturatedNanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * After close: waits for the threads the loop started, so that none is left alive. A first
   * interrupt does not cut the wait short (it is counted, and kept for the caller); a second does.
   */
  private void shutDownThreads() {
    ExecutorService executor = defaultExecutor;
    if (executor != null) {
      executor.shutdownNow();
      if (!waitThroughOneInterrupt(() -> executor.awaitTermination(10, TimeUnit.SECONDS))
          && closing[0] < 2) {
        System.err.println("fgbg: background calls still running 10 s after close(): left behind");
      }
    }
    for (Thread t : retiredThreads) {
      if (!waitThroughOneInterrupt(() -> t.join(Duration.ofSeconds(1)))) {
        break;
      }
    }
    retiredThreads.clear();
  }

  /** A wait of close(): true once {@code wait} answers true; false on timeout or a 2nd interrupt. */
  private boolean waitThroughOneInterrupt(InterruptibleWait wait) {
    if (Thread.interrupted()) {
      closing[0]++; // an interrupt of the last iteration, not yet counted
    }
    while (closing[0] < 2) {
      try {
        return wait.done();
      } catch (InterruptedException e) {
        closing[0]++;
      }
    }
    return false;
  }

  @FunctionalInterface
  private interface InterruptibleWait {
    boolean done() throws InterruptedException;
  }
}
