package io.fgbg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.concurrent.RejectedExecutionException;

/**
 * What runs next on a loop: the ready queue, the iterations, and the one dispatch loop that every
 * thread holding the baton runs (asyncio's {@code _run_once}, second half).
 *
 * <p>Each iteration begins with {@link #beginIteration}: posted callbacks, ready sockets and due
 * timers join the ready queue (see {@link EventSources}), waiting for work when there is none;
 * then the callbacks that were ready when it began run one after another. A callback is a
 * {@code Runnable}, or the next step of a {@link CoroutineTask}: to run a step, the holder hands
 * the baton to that task's thread (see {@link Baton}). {@link #dispatch} is the only place where
 * callbacks and steps are run.
 *
 * <p>Three kinds of thread run the dispatch loop, and they differ only in how they leave it (the
 * {@link Exit} policy):
 *
 * <pre>
 *   holder                 at the end of the run          when another task's step comes up
 *   CALLER (the run's)     returns, holding the baton     hands off, parks until the run ends
 *   SUSPENDED (a task)     hands back to the caller,      hands off, returns null: the task
 *                          returns null                   parks until its own step (its own
 *                                                         step: returns it at once)
 *   FREE (a task is done)  hands back, thread ends        hands off, thread ends; a task that
 *                                                         has not started: runs it on this thread
 * </pre>
 *
 * <p>A suspended task parks in its own frame ({@link CoroutineTask#suspend}), not in this class:
 * a parked virtual thread keeps every frame of its stack, interpreted frames of a cold program
 * being some hundred bytes each, so the fewer frames stand between the task's body and the park,
 * the less memory each waiting task holds (see BENCHMARKS.md, W2).
 *
 * <p>Thread regime: only the baton holder touches the fields below, except {@code stopNow}
 * (volatile: a caller's second interrupt writes it) and the {@code pulse} and {@code idle} that
 * the holder writes plainly and the run's caller reads (opaquely) to see a step that holds the
 * loop (see {@link SlowStepWatch}): the hot path pays one plain increment per callback.
 */
final class Dispatcher {
  private static final VarHandle PULSE;
  private static final VarHandle IDLE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      PULSE = lookup.findVarHandle(Dispatcher.class, "pulse", int.class);
      IDLE = lookup.findVarHandle(Dispatcher.class, "idle", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** How a thread leaves the dispatch loop: see the table above. */
  enum Exit {
    CALLER,
    SUSPENDED,
    FREE
  }

  private static final Object STOP = new Object();

  private final EventLoop loop;
  final Baton baton; // the suspended task waits for it itself (CoroutineTask.suspend)
  private final EventSources sources;

  private final ReadyQueue ready = new ReadyQueue(); // CoroutineTask steps, Runnables
  private int ntodo; // callbacks left in the current iteration
  private boolean stopping; // end the run at the end of this iteration
  /** Stop at the next callback boundary: the caller was interrupted twice, or has left. */
  private volatile boolean stopNow;
  /** Callbacks and steps begun, and waits for work ended: moves unless a step holds the loop. */
  private int pulse;
  /** True while the holder waits for work (not a step holding the loop). */
  private boolean idle;
  /** The run in progress, or null. */
  ForegroundRun foreground;
  /** The task whose step is running (asyncio's current_task), or null. */
  CoroutineTask<?> currentTask;
  /** What {@code untilIdle()} callers await, in the order they came; null while there is none. */
  private ArrayList<LoopFuture<Void>> idleWaiters;

  /** Task threads that have left the loop for good; joined by close(). */
  private final ArrayList<Thread> retiredThreads = new ArrayList<>();
  private int retiredPruneAt = 1024;
  private final Thread.Builder.OfVirtual taskThreads = Thread.ofVirtual();

  /** Makes a task's thread, unstarted, to run {@code body}. */
  interface TaskThreadFactory {
    Thread newThread(CoroutineTask<?> task, Runnable body);
  }

  /**
   * How task threads are made: virtual threads named after their tasks. Tests replace it (before
   * the loop runs) with one whose threads fail to start, as they would with no memory left.
   */
  TaskThreadFactory threadFactory = (task, body) -> taskThreads.name(task.name()).unstarted(body);

  Dispatcher(EventLoop loop, Baton baton, EventSources sources) {
    this.loop = loop;
    this.baton = baton;
    this.sources = sources;
  }

  // ------------------------------------------------------------------ one run

  /**
   * One run for {@code run}'s caller, which holds the baton on entry and, unless it leaves the run
   * early (detached), on return. {@code first}, if not null, is started at once, ahead of what is
   * already ready.
   */
  void drive(ForegroundRun run, CoroutineTask<?> first) {
    assert baton.isHeldBy(run.caller) && foreground == null : "a run begins without the baton";
    foreground = run;
    stopping = run.task != null && run.task.isDone();
    stopNow = false;
    if (first != null && startThread(first)) {
      run.awaitEnd();
    } else { // no first task, or its thread could not start: it has failed (the run then stops)
      dispatch(run.caller, Exit.CALLER, null);
    }
    if (!run.isDetached()) {
      endRun();
    }
  }

  /** The holder reached the end of the run: hand the loop back to the caller, or release it. */
  private void handBackToCaller() {
    ForegroundRun run = foreground;
    if (run.claimHandBack()) {
      baton.handTo(run.caller);
    } else { // the caller has left (two interrupts): nobody to hand it to
      run.cancelTaskIfAsked(); // what the first interrupt asked; its request may be in the inbox
      endRun();
      loop.releaseRun();
      loop.releaseIfClosed(); // the caller left close() too: what it could not release
    }
  }

  /** Forgets the run; callbacks of an iteration cut short by a stop run in the next one. */
  void endRun() {
    sources.endOfRun();
    foreground = null;
    stopping = false;
    stopNow = false;
    ntodo = 0;
  }

  /** Ends the run at the end of this iteration. Baton holder only. */
  void stopAtEndOfIteration() {
    stopping = true;
  }

  /** Asks the loop to stop at the next callback boundary; from any thread. */
  void stopNow() {
    stopNow = true;
    sources.wakeUp();
  }

  /** True once a stop at the next callback boundary has been asked. */
  boolean mustStopNow() {
    return stopNow;
  }

  // ------------------------------------------------------------------ the dispatch loop

  /**
   * Runs ready callbacks and steps until {@code exit}'s condition (see the class table). The
   * calling thread holds the baton on entry. Returns {@code mine} (SUSPENDED: its step is next,
   * the baton held), a task that has not started for this thread to run (FREE, the baton held),
   * or null (CALLER: the run is over, the baton held unless the caller left; SUSPENDED: the baton
   * has left, and {@code mine}'s thread is to wait for it, spinning first if {@code
   * mine.spinNext} says so; FREE: the baton has left this thread).
   */
  CoroutineTask<?> dispatch(Thread self, Exit exit, CoroutineTask<?> mine) {
    assert baton.isHeldBy(self) : self + " dispatches without the baton";
    for (; ; ) {
      Object item = nextReady();
      if (item instanceof CoroutineTask<?> task) {
        if (task == mine) {
          return mine; // our own step is next: no switch at all
        }
        Thread thread = task.thread;
        if (thread != null && exit == Exit.SUSPENDED) { // the common switch, kept short
          if (ready.peekFirst() == mine && mine.shouldSpin(task)) { // decided before it leaves
            mine.spinNext = true;
          }
          baton.handTo(thread);
          return null;
        }
        if (thread == null && task.mustCancel) {
          task.cancelBeforeStart(); // it never needs a thread
          continue;
        }
        if (thread == null && exit == Exit.FREE) {
          return task; // run it on this thread: no thread start, no switch
        }
        if (handOff(self, exit, mine, task)) {
          return null;
        }
        continue; // its thread could not start: the task has failed, the baton is still here
      }
      if (item == STOP) {
        return atEndOfRun(self, exit, mine);
      }
      runCallback((Runnable) item);
    }
  }

  /**
   * The other ways to pass on to {@code task}'s step, by exit policy (see the class table): true
   * once the baton has left (and, for the run's caller, come back at the end of the run); false if
   * {@code task}'s thread could not start, the task having failed and the baton still here.
   */
  private boolean handOff(Thread self, Exit exit, CoroutineTask<?> mine, CoroutineTask<?> task) {
    Thread thread = task.thread;
    if (exit == Exit.FREE) { // thread != null: dispatch runs a task that has not started itself
      retire(self);
      baton.handTo(thread);
      return true;
    }
    boolean spin = exit == Exit.SUSPENDED && ready.peekFirst() == mine && mine.shouldSpin(task);
    if (spin) {
      mine.spinNext = true; // decided before the baton leaves: whoever gets it owns the loop
    }
    if (thread != null) {
      baton.handTo(thread);
    } else if (!startThread(task)) {
      if (spin) {
        mine.spinNext = false; // the baton is still here: mine's thread does not wait for it
      }
      return false;
    }
    if (exit == Exit.CALLER) {
      foreground.awaitEnd();
    }
    return true;
  }

  private CoroutineTask<?> atEndOfRun(Thread self, Exit exit, CoroutineTask<?> mine) {
    if (exit == Exit.CALLER) {
      return null;
    }
    if (exit == Exit.SUSPENDED) {
      handBackToCaller();
      return null;
    }
    retire(self);
    handBackToCaller();
    return null;
  }

  /**
   * The body of a task thread: runs its task, then the loop, adopting tasks that start next. One
   * frame between the thread's entry and the task's body, as a parked task keeps all of them.
   */
  private final class TaskThread implements Runnable {
    private final CoroutineTask<?> first;

    TaskThread(CoroutineTask<?> first) {
      this.first = first;
    }

    @Override
    public void run() {
      Thread self = Thread.currentThread();
      EventLoop.RUNNING.set(loop);
      baton.await(self);
      CoroutineTask<?> task = first;
      try {
        while (task != null) {
          if (task != first) {
            self.setName(task.name()); // the thread goes on with a task that has not started
          }
          task.thread = self;
          EventLoop.TASK.set(task);
          Coroutine<?> body = task.beginBody();
          Object result = null;
          Throwable failure = null;
          try {
            result = body.run();
          } catch (Throwable e) {
            failure = e;
          }
          task.endBody(result, failure);
          EventLoop.TASK.set(null);
          task = dispatch(self, Exit.FREE, null);
        }
      } catch (Throwable e) { // a bug in fgbg itself: do not leave the caller waiting forever
        loop.reportException("Internal error in the fgbg event loop", e);
        if (baton.isHeldBy(self)) {
          if (task != null && !task.isDone()) {
            task.failInternally(e); // its caller gets the cause, not "not done yet"
          }
          handBackToCaller();
        }
      }
    }
  }

  /**
   * Starts the thread of {@code task}, which has not started, handing it the baton: true if it
   * started. If it cannot be made or started (no memory left for it), the baton stays with the
   * calling thread and the task fails with that error without running: whoever awaits it gets the
   * error, and the loop goes on. Anything else thrown meanwhile (a stop thrown into the caller's
   * thread) leaves the task as it was, not started, and goes on up.
   */
  private boolean startThread(CoroutineTask<?> task) {
    Thread thread = null;
    try {
      thread = threadFactory.newThread(task, new TaskThread(task));
      task.thread = thread;
      baton.passTo(thread);
      thread.start();
      return true;
    } catch (OutOfMemoryError | IllegalThreadStateException | RejectedExecutionException e) {
      undoStart(task, thread); // what Thread.start and the builder throw when it cannot start
      task.failToStart(e);
      return false;
    } catch (Throwable e) { // thrown into this thread from outside (JShell's stop): not the task's
      undoStart(task, thread);
      throw e;
    }
  }

  /** After a failed start: the baton back with the calling thread, the task without a thread. */
  private void undoStart(CoroutineTask<?> task, Thread thread) {
    if (thread != null) {
      baton.passTo(Thread.currentThread());
      task.thread = null;
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

  /** The task threads that have left the loop and may still be ending, for close() to join. */
  ArrayList<Thread> retiredThreads() {
    return retiredThreads;
  }

  /** Forgets retired threads that have ended. */
  void pruneRetired() {
    retiredThreads.removeIf(t -> !t.isAlive());
  }

  // ------------------------------------------------------------------ iterations

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
        pulse++;
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
      run.callerInterrupted();
    }
    for (; ; ) {
      long next = sources.collect(ready);
      if (!ready.isEmpty() || noWait || stopping || stopNow) {
        break;
      }
      if (idleWaiters != null) { // nothing is ready: the untilIdle() callers go on, time stands
        releaseIdleWaiters();
        break;
      }
      ready.trim(); // nothing is ready: give a flood's memory back before waiting
      idle = true;
      sources.waitForWork(loop, next);
      idle = false;
      pulse++;
      if (Thread.interrupted() && isCaller) {
        run.callerInterrupted();
      } // a task thread's own interrupt cannot end a wait that is not its own: dropped
    }
    ntodo = ready.size();
  }

  private void runCallback(Runnable callback) {
    try {
      callback.run();
    } catch (Throwable e) {
      if (e instanceof InterruptedException && Thread.currentThread() == foreground.caller) {
        Thread.currentThread().interrupt(); // Ctrl-C hit a blocking call in the callback: keep it
      }
      loop.reportException("Exception in callback " + callback, e);
    }
  }

  // ------------------------------------------------------------------ untilIdle

  /**
   * Adds {@code waiter}, to be completed at the start of the first iteration that finds nothing
   * ready (before the loop would wait for work or move a virtual clock).
   */
  void addIdleWaiter(LoopFuture<Void> waiter) {
    if (idleWaiters == null) {
      idleWaiters = new ArrayList<>(2);
    }
    idleWaiters.add(waiter);
  }

  /** Forgets {@code waiter} (its task was cancelled while it waited, or it was released). */
  void removeIdleWaiter(LoopFuture<Void> waiter) {
    if (idleWaiters != null && idleWaiters.remove(waiter) && idleWaiters.isEmpty()) {
      idleWaiters = null;
    }
  }

  /** Completes every idle waiter, in the order they came: their tasks' steps become ready. */
  private void releaseIdleWaiters() {
    ArrayList<LoopFuture<Void>> waiters = idleWaiters;
    idleWaiters = null;
    for (LoopFuture<Void> waiter : waiters) {
      waiter.setResultIfPending(null);
    }
  }

  // ------------------------------------------------------------------ the ready queue

  void scheduleStep(CoroutineTask<?> task) {
    appendReady(task);
  }

  CallbackHandle callSoon(Runnable callback) {
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

  /** The pulse, read by a thread that does not hold the baton: see {@link SlowStepWatch}. */
  int pulseFromOutside() {
    return (int) PULSE.getOpaque(this);
  }

  /** Whether the holder is waiting for work, read by a thread that does not hold the baton. */
  boolean isIdleFromOutside() {
    return (boolean) IDLE.getOpaque(this);
  }

  /** The task whose step runs now, read by a thread that does not hold the baton (a hint). */
  CoroutineTask<?> currentTaskFromOutside() {
    return currentTask;
  }

  /** True if a callback or a task step is in the ready queue (for {@link Inspection}). */
  boolean hasReady() {
    return !ready.isEmpty();
  }

  /** At close: drops what is still queued. */
  void clear() {
    ready.clear();
  }
}
