package io.fgbg;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 *
 * <h2>Thread regime</h2>
 *
 * This class is the loop's public face, callable from any thread: each call takes the baton (or
 * finds it held by the calling thread) before it touches the loop, or goes through the
 * thread-safe inbox. Who holds the baton is {@code Baton}'s to say; what runs next, {@code
 * Dispatcher}'s; the caller's side of a run, its {@code ForegroundRun}'s; the watch for a step
 * that holds the loop, {@code SlowStepWatch}'s; {@code close()}'s phases, a {@code
 * LoopShutdown}'s. The fields here are final, volatile ({@code closed}, {@code debug}), or the
 * baton holder's ({@code defaultExecutor}).
 */
public final class EventLoop implements AutoCloseable {
  private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();
  /**
   * The loop this thread is running: set on the threads of tasks for their whole life, and on a
   * caller's thread for the length of its foreground run. {@link #current()} answers it first, and
   * no thread runs two loops at once.
   */
  static final ThreadLocal<EventLoop> RUNNING = new ThreadLocal<>();
  /** The task whose body runs on this thread (set on the virtual threads of tasks). */
  static final ThreadLocal<CoroutineTask<?>> TASK = new ThreadLocal<>();

  private volatile boolean closed;
  private volatile boolean debug;

  /** Who may touch the loop. */
  final Baton baton = new Baton();
  /** The inbox, the timers, the clock, and the wait for work. */
  final EventSources sources;
  /** The ready queue and the dispatch loop. */
  final Dispatcher dispatcher;
  /** What the caller of a run watches for: a step that holds the loop. */
  final SlowStepWatch watch;
  /** The tasks that are not done, and the finished jobs not yet reported. Baton holder only. */
  final Jobs jobs;
  /** The child processes this loop started that still run, and their pipes' threads; any thread. */
  final ChildWatcher children = new ChildWatcher();
  /** Made on first use; baton holder only. */
  private ExecutorService defaultExecutor;
  /** The exception handler, and the default one. */
  private final LoopExceptions exceptions = new LoopExceptions(this);

  private EventLoop(LoopClock clock) {
    // A foreign poster may wait for room while a run drains the inbox; never a thread that runs
    // a loop (two loops flooding each other), nor while a run whose caller left holds the loop.
    this.sources =
        new EventSources(
            clock,
            () -> baton.isRunning() && !baton.hasDetachedCaller() && RUNNING.get() == null,
            EventSources.DEFAULT_HIGH_WATER,
            this::reportException);
    this.dispatcher = new Dispatcher(this, baton, sources);
    this.watch = new SlowStepWatch(dispatcher, baton);
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

  /**
   * A new loop on a virtual clock, for tests: its {@link #time()} starts at 0 and moves only when
   * the loop has nothing to do, jumping straight to the next timer, so that {@code
   * runInForeground(sleep(ofHours(1)))} takes microseconds, and a program's interleavings are the
   * same on every run, whatever the machine's load. Bound to no thread, as {@link #create()}.
   *
   * <p>The clock reads exactly the deadlines it has reached. Timers fire in deadline order; timers
   * with the same deadline that were scheduled in the same loop iteration fire together, in the
   * order made, and one that ties with a timer scheduled in an earlier iteration comes one jump
   * after it (one iteration after it at the soonest, once nothing else is ready), as on the real
   * clock, where the timer scheduled later always lands a little later. A timer due already when
   * made (zero or negative delay) runs at the next iteration.
   *
   * <p>The clock does not jump while a background call of the loop ({@link
   * Fgbg#callInBackground}) is running: the loop then waits for it in real time, as if time passed
   * at its real pace, and a timer it reaches meanwhile fires at its exact deadline. While the loop
   * waits only on events from outside (a {@code CompletionStage} a task awaits or follows, a real
   * socket, {@link #callSoonThreadsafe} from another thread) it jumps once 10 ms of real time have
   * passed without anything happening (trio's autojump threshold), so that a stage that never
   * completes is timed out at the exact virtual instant. A post from another thread that comes
   * after the loop has jumped finds the clock where the jump left it: a test that feeds the loop
   * from a thread makes it await a {@code CompletableFuture} rather than post unannounced.
   *
   * <pre>{@code
   * EventLoop loop = EventLoop.createVirtual();
   * runInForeground(sleep(ofHours(1)), loop);   // returns at once
   * loop.time();                                // PT1H exactly
   * }</pre>
   *
   * @return the new loop
   */
  public static EventLoop createVirtual() {
    return new EventLoop(LoopClock.virtual());
  }

  /** {@link #createVirtual()}, by the name the tests have long used. */
  static EventLoop createWithVirtualClock() {
    return createVirtual();
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
    return baton.isRunning();
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
   * The loop's clock: the time since the loop was created (asyncio's {@code loop.time()}).
   * Timers, sleeps and {@link #callAt} are measured on it. Safe from any thread; never suspends.
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
   * Sets how long one callback or task step may hold the loop before fgbg reports it: the task's
   * name, how long, and where it is, while the step is still running (once per step), through
   * {@code System.Logger} ({@code io.fgbg}, WARNING), or on {@code System.err} in the interactive
   * shell. A step holds the loop when it neither returns nor awaits: a blocking call such as
   * {@code Thread.sleep} inside a coroutine (use {@code callInBackground} for it), or a busy loop.
   * The report comes from the thread that called {@code runInForeground}, which is idle during the
   * run: it costs the loop nothing. Safe from any thread; never suspends.
   *
   * @param threshold how long; {@link Duration#ZERO} switches the report off (default 1 s, 100 ms
   *     in debug mode)
   * @throws NullPointerException if {@code threshold} is null
   * @throws IllegalArgumentException if {@code threshold} is negative
   */
  public void setSlowStepThreshold(Duration threshold) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative()) {
      throw new IllegalArgumentException("slow-step threshold must not be negative: " + threshold);
    }
    watch.setThreshold(saturatedNanos(threshold));
  }

  /**
   * The slow-step threshold now in force ({@link Duration#ZERO}: off).
   *
   * @return the threshold
   */
  public Duration slowStepThreshold() {
    return Duration.ofNanos(watch.threshold());
  }

  /**
   * Switches asyncio's debug mode on or off: with it on, the slow-step threshold is 100 ms (see
   * {@link #setSlowStepThreshold}) and every task keeps where it was created, for the reports
   * that name it; off, the threshold is back to 1 s. Safe from any thread; never suspends.
   *
   * @param debug true for debug mode
   */
  public void setDebug(boolean debug) {
    this.debug = debug;
    watch.setThreshold(debug ? SlowStepWatch.DEBUG_THRESHOLD : SlowStepWatch.DEFAULT_THRESHOLD);
  }

  /**
   * Tells whether debug mode is on.
   *
   * @return true in debug mode
   */
  public boolean isDebug() {
    return debug;
  }

  /**
   * Schedules {@code callback} to run on the loop, after the callbacks already ready.
   *
   * @param callback what to run; an exception it throws goes to the exception handler
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
   * @param delay how long from now; zero or negative: due at once, at the next iteration, and
   *     still in deadline order (as in asyncio, a timer at -2 s runs before one at -1 s)
   * @param callback what to run; an exception it throws goes to the exception handler
   * @return a handle that can cancel it
   * @throws NullPointerException if {@code delay} or {@code callback} is null
   * @throws IllegalStateException if the loop is closed, or running in another thread
   */
  public Handle callLater(Duration delay, Runnable callback) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(callback, "callback");
    long nanos = saturatedTime(delay); // negative: a deadline in the past, as asyncio keeps it
    return onLoop(() -> sources.callLater(nanos, callback));
  }

  /**
   * Schedules {@code callback} to run on the loop when its clock ({@link #time()}) reads {@code
   * when}: asyncio's {@code call_at}. A time already past runs at the next iteration, in deadline
   * order with the other timers.
   *
   * @param when the time on the loop's clock
   * @param callback what to run; an exception it throws goes to the exception handler
   * @return a handle that can cancel it
   * @throws NullPointerException if {@code when} or {@code callback} is null
   * @throws IllegalStateException if the loop is closed, or running in another thread
   */
  public Handle callAt(Duration when, Runnable callback) {
    Objects.requireNonNull(when, "when");
    Objects.requireNonNull(callback, "callback");
    long at = saturatedTime(when);
    return onLoop(() -> sources.callAt(at, callback));
  }

  /**
   * Schedules {@code callback} to run on the loop; safe from any thread. If the loop is waiting
   * for work it wakes up; if nobody runs it, the callback runs at its next foreground run.
   *
   * <p>Memory stays bounded under a flood: while another thread runs the loop and more than 4096
   * posted callbacks have not run yet, a thread that runs no loop waits here (in 10 ms slices, an
   * interrupt ends the wait) until the loop has drained the inbox below that mark; so this call
   * can block the poster, never the loop. A loop nobody runs never holds a poster. Each iteration
   * runs what had been posted when it began, so timers, sockets and ready callbacks keep running
   * whatever the flood.
   *
   * @param callback what to run; an exception it throws goes to the exception handler
   * @throws NullPointerException if {@code callback} is null
   * @throws IllegalStateException if the loop is closed
   */
  public void callSoonThreadsafe(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    checkOpen();
    if (baton.isHeldBy(Thread.currentThread())) {
      callSoonOnLoop(callback); // on the loop's own thread: in order with callSoon
      return;
    }
    sources.postFromUser(callback);
    if (closed && sources.unpost(callback)) { // close() won the race: it would never run
      checkOpen();
    }
  }

  /**
   * Hands {@code coroutine} to this loop from any thread, as a new task, and returns a future that
   * completes when the task is done: asyncio's {@code run_coroutine_threadsafe}.
   *
   * <pre>{@code
   * CompletableFuture<String> reply = loop.submit(() -> await(fetch(url))); // on a worker thread
   * String body = reply.get(5, SECONDS);
   * }</pre>
   *
   * <p>The task is made at once when the calling thread holds the loop (inside a task or callback)
   * or the loop is idle (at the prompt); while another thread runs the loop, its making goes
   * through the thread-safe inbox, as {@link #callSoonThreadsafe} does (waiting for room under a
   * flood). Either way it runs when the loop runs: from a thread other than the loop's, {@code
   * get()} waits for a foreground run that some thread makes. The future completes with the task's
   * value, or exceptionally with its own exception object; a cancelled task cancels it. Cancelling
   * the future cancels the task (a task not started yet never runs). The future takes the task's
   * outcome: a failure is not reported as never retrieved. Dependent actions added with the
   * non-async methods ({@code thenApply}, ...) run on the loop as the task completes. Never
   * suspends; never blocks the caller, except a thread that runs no loop under a flood of posts.
   *
   * <p>Inside a task, await the future ({@link Fgbg#await(java.util.concurrent.CompletionStage)})
   * rather than {@code get()}, which would hold the loop.
   *
   * <p>Differences from asyncio: asyncio always posts the making of the task through {@code
   * call_soon_threadsafe}; fgbg makes it at once when it can, so that from the loop's own thread
   * it starts one iteration sooner, in order with {@link Fgbg#scheduleCoroutine}.
   *
   * @param coroutine the coroutine
   * @param <T> its result type
   * @return the future of the task
   * @throws NullPointerException if {@code coroutine} is null
   * @throws IllegalStateException if the loop is closed
   */
  public <T> java.util.concurrent.CompletableFuture<T> submit(Coroutine<T> coroutine) {
    Objects.requireNonNull(coroutine, "coroutine");
    return Submission.submit(this, coroutine);
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
    if (baton.isHeldBy(self) || RUNNING.get() != null) {
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
    LoopShutdown shutdown = new LoopShutdown(this, self);
    try {
      shutdown.runPhases();
    } finally {
      closed = true;
      if (baton.isHeldBy(self)) {
        releaseResources();
        releaseRun();
        shutdown.shutDownThreads(defaultExecutor, dispatcher.retiredThreads());
      } else if (baton.tryTake(self)) { // a second interrupt left the loop, and it is free again
        releaseResources();
        baton.release();
        shutdown.shutDownThreads(defaultExecutor, dispatcher.retiredThreads());
      } // else a step still holds the loop: its thread releases all when it returns
      if (wasInterrupted || shutdown.wasInterrupted()) {
        self.interrupt();
      }
      RUNNING.set(previous);
      if (CURRENT.get() == this) {
        CURRENT.remove();
      }
    }
  }

  /**
   * The end of close(): drops queued work and finished jobs, closes every socket and the selector.
   * Baton holder only, once the loop is closed.
   */
  private void releaseResources() {
    assert inLoop() : "close() released the loop without holding it";
    jobs.reportUnretrieved(); // every task has finished: what failed unseen is reported now
    jobs.forgetFinished();
    dispatcher.clear();
    sources.clear();
  }

  /**
   * A run whose caller had left has just ended on a task's thread: if the loop was closed
   * meanwhile (the caller's second interrupt left close()), that thread releases what close()
   * could not: sockets, selector, the executor's threads (interrupted, not waited for).
   */
  void releaseIfClosed() {
    Thread self = Thread.currentThread();
    if (closed && baton.tryTake(self)) {
      try {
        releaseResources();
        if (defaultExecutor != null) {
          defaultExecutor.shutdownNow();
        }
      } finally {
        baton.release();
      }
    }
  }

  @Override
  public String toString() {
    return "EventLoop[" + (closed ? "closed" : baton.isRunning() ? "running" : "idle") + "]";
  }

  // ------------------------------------------------------------------ foreground runs

  /**
   * Runs the loop in the calling thread until {@code task} (or the task made from {@code
   * coroutine}, which starts at once) is done, and returns its result.
   */
  <T> T runInForeground(AbstractFuture<T> task, Coroutine<T> coroutine) throws Exception {
    return ForegroundRun.runInForeground(this, task, coroutine);
  }

  /** Checks that the calling thread may run this loop in the foreground. */
  void checkCanRunHere(Thread self) {
    EventLoop running = RUNNING.get();
    if (running == this || baton.isHeldBy(self)) {
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

  /** Takes the baton for a foreground run; waits while another thread holds it briefly. */
  void acquireForRun(Thread self) throws InterruptedException {
    long[] waitedSince = {0};
    for (; ; ) {
      checkOpen();
      if (baton.tryTake(self)) {
        if (closed) {
          baton.release();
          checkOpen();
        }
        baton.beginRun();
        return;
      }
      if (!isBusyElsewhere(self, waitedSince)) {
        Thread.onSpinWait();
      } else {
        throw new IllegalStateException(
            "the event loop is already running in another thread: a loop runs in one thread at a"
                + " time; from this thread, use callSoonThreadsafe() or a task's"
                + " toCompletableFuture()");
      }
    }
  }

  /** Ends a run: forgets threads that have ended, and frees the loop. By the holder. */
  void releaseRun() {
    dispatcher.pruneRetired();
    baton.endRun();
  }

  /** How long a call waits for a run whose caller has left to end, before it calls the loop held. */
  private static final long DETACHED_RUN_PATIENCE = 100_000_000L;

  /**
   * After a failed attempt to take the baton: false if it is worth trying again (a brief holder,
   * a run just ending, or a run whose caller has left, which ends at its next callback: waited for
   * here, 100 ms at most), true if another thread runs the loop.
   *
   * @param waitedSince when this call began to wait for a run whose caller left (0: not yet)
   * @throws IllegalStateException if a run whose caller has left is still held by a step after
   *     100 ms: naming the task and where it is, so that a wedged loop never hangs its callers
   */
  private boolean isBusyElsewhere(Thread self, long[] waitedSince) throws InterruptedException {
    if (!baton.isRunning()) {
      return false;
    }
    if (baton.hasDetachedCaller()) {
      long now = System.nanoTime();
      if (waitedSince[0] == 0) {
        waitedSince[0] = now;
      } else if (now - waitedSince[0] > DETACHED_RUN_PATIENCE) {
        throw new IllegalStateException(heldMessage());
      }
      LockSupport.parkNanos(this, 50_000);
      if (Thread.interrupted()) {
        throw new InterruptedException(
            "interrupted while an interrupted run of this loop is still inside a task step");
      }
      return false;
    }
    return baton.isRunning(); // read again: endRun() clears running before detachedCaller
  }

  /** Why a call cannot have the loop: a step holds it and the run's caller has left. */
  String heldMessage() {
    return "the event loop is held by "
        + watch.describeHolder()
        + ": an interrupted foreground run left it to a step that neither returns nor awaits;"
        + " the loop is usable again when that step returns (Thread.sleep or blocking I/O in a"
        + " coroutine belongs in callInBackground); meanwhile EventLoop.setCurrent(null) gives"
        + " this thread a new loop, and jobs() still lists the jobs";
  }

  // ------------------------------------------------------------------ for the other classes

  /**
   * Runs {@code operation} holding the baton if it can be had at once (this thread holds it, or
   * the loop is idle); else returns null without waiting. For calls that must never wait for the
   * loop (the job table).
   */
  <R> R onLoopIfFree(Supplier<R> operation) {
    Thread self = Thread.currentThread();
    if (baton.isHeldBy(self)) {
      return operation.get();
    }
    for (int spins = 0; spins < 1000 && !baton.isRunning(); spins++) { // a brief holder
      if (baton.tryTake(self)) {
        try {
          return operation.get();
        } finally {
          baton.release();
        }
      }
      Thread.onSpinWait();
    }
    return null;
  }

  /**
   * The job table, for a thread that cannot have the baton: a copy read without it, the task of
   * a step that holds the loop marked {@code Stuck}.
   */
  String jobsTableWithoutBaton() {
    CoroutineTask<?> stuck = watch.isHeld() ? dispatcher.currentTaskFromOutside() : null;
    String detail = stuck == null ? "" : watch.describeStuckStep();
    return jobs.tableWithoutBaton(stuck, detail);
  }

  /**
   * Runs {@code operation} holding the baton: at once if the calling thread holds it, taking it
   * if the loop is idle.
   *
   * @throws IllegalStateException if the loop is closed or running in another thread
   */
  <R> R onLoop(Supplier<R> operation) {
    Thread self = Thread.currentThread();
    if (baton.isHeldBy(self)) {
      checkOpen();
      return operation.get();
    }
    long[] waitedSince = {0};
    for (; ; ) {
      checkOpen();
      if (baton.tryTake(self)) {
        try {
          checkOpen();
          return operation.get();
        } finally {
          baton.release();
        }
      }
      boolean busy;
      try {
        busy = isBusyElsewhere(self, waitedSince);
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
    if (baton.isHeldBy(self)) {
      action.run();
      return true;
    }
    if (!baton.isRunning() && baton.tryTake(self)) { // the loop is idle: take it briefly
      try {
        action.run();
      } finally {
        baton.release();
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

  /** True if the calling thread holds the baton: for the {@code assert}s of the regimes. */
  boolean inLoop() {
    return baton.isHeldBy(Thread.currentThread());
  }

  /** Called by every future as it becomes done. Baton holder only. */
  void futureDone(AbstractFuture<?> future) {
    assert inLoop() : "a future completed off the loop: " + future;
    ForegroundRun run = dispatcher.foreground;
    boolean isRunTask = run != null && run.task == future;
    if (isRunTask) {
      dispatcher.stopAtEndOfIteration();
    }
    if (future instanceof AbstractTask<?> task) {
      if (task.isJob()) {
        jobs.done(task, isRunTask);
      } else if (task instanceof StageTask<?>) {
        jobs.awaitedStage(-1);
      }
    }
  }

  /** The task whose step is running (asyncio's current_task), or null. Baton holder only. */
  CoroutineTask<?> currentTask() {
    return dispatcher.currentTask;
  }

  void scheduleStep(CoroutineTask<?> task) {
    assert inLoop() : "a step scheduled off the loop: " + task;
    dispatcher.scheduleStep(task);
  }

  CallbackHandle callSoonOnLoop(Runnable callback) {
    assert inLoop() : "callSoonOnLoop off the loop";
    return dispatcher.callSoon(callback);
  }

  TimerHandle callLaterOnLoop(long delayNanos, Runnable callback) {
    assert inLoop() : "callLaterOnLoop off the loop";
    return sources.callLater(delayNanos, callback);
  }

  /** True once a second interrupt has asked the loop to stop at the next callback. */
  boolean mustStopNow() {
    return dispatcher.mustStopNow();
  }

  void reportException(String context, Throwable e) {
    exceptions.report(context, e);
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

  /** {@code d} in nanoseconds, saturating at both ends. */
  static long saturatedTime(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** {@code d} in nanoseconds, a negative one as zero: for delays that cannot lie in the past. */
  static long saturatedNanos(Duration d) {
    return Math.max(0, saturatedTime(d));
  }
}
