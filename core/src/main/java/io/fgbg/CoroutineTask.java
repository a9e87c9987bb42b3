package io.fgbg;

import java.util.concurrent.CancellationException;

/**
 * A scheduled coroutine: asyncio's {@code Task}, with the body on a virtual thread of its own.
 *
 * <p>A step of the task is the stretch of its body between two suspensions. The body runs only
 * while its thread holds the loop's baton (see {@link EventLoop}), so steps of different tasks
 * never overlap. The thread is started when the first step comes up in the ready queue; a task
 * cancelled before then never starts one.
 *
 * <p>Invariants: all fields but {@code thread}, {@code spinning} and {@code spinNext} are touched
 * only by the baton holder. A task is in the ready queue at most once: its step is scheduled by
 * a yield, by the completion of what it awaits, or (once) when it is created.
 */
final class CoroutineTask<T> extends AbstractTask<T> {
  private Coroutine<T> coroutine; // null once the body has run
  /** The virtual thread that runs the body; null until the first step. */
  Thread thread;
  /** What the task is suspended on (asyncio's _fut_waiter): cancelled along with the task. */
  private AbstractFuture<?> waiter;
  /** asyncio's _must_cancel: throw CancellationException when the next step starts. */
  boolean mustCancel;
  /** asyncio's _cancel_message: the message of the request that set mustCancel, or null. */
  private String mustCancelMessage;
  /** The loop's dispatcher, which runs the loop while this task is suspended. */
  private final Dispatcher dispatcher;
  /**
   * True while this task's thread spins for the baton ({@link Baton#await(Thread,
   * CoroutineTask)}): written by that thread alone, read by the holder as a hint.
   */
  volatile boolean spinning;
  /**
   * Set by the dispatch that hands the baton away from this task when its thread should spin for
   * it ({@link #shouldSpin}), and read back by {@link #suspend}: this task's thread alone.
   */
  boolean spinNext;
  /** Switches left before this task's thread may spin for the baton again. */
  private int spinSkips;
  /** Switches since this task last spun without a spinning partner. */
  private int switchesSinceProbe;

  CoroutineTask(EventLoop loop, Coroutine<T> coroutine) {
    super(loop);
    this.coroutine = coroutine;
    this.dispatcher = loop.dispatcher;
  }

  @Override
  String jobState() {
    if (dispatcher.currentTask == this) {
      return "Running";
    }
    if (thread == null) {
      return "Pending";
    }
    AbstractFuture<?> w = waiter;
    return w != null && !w.isDone() ? "Waiting" : "Ready";
  }

  @Override
  String jobDetail() {
    if (mustCancel) {
      return "cancel requested";
    }
    AbstractFuture<?> w = waiter;
    return w != null && !w.isDone() && dispatcher.currentTask != this ? w.describe() : "";
  }

  /**
   * The body, for the current thread (which holds the baton) to run now: its first step, and on.
   * The thread calls it itself rather than through a method of this class, one frame fewer on
   * the stack of every suspended task; {@link #endBody} takes its outcome.
   */
  Coroutine<T> beginBody() {
    Coroutine<T> body = coroutine;
    coroutine = null;
    dispatcher.currentTask = this;
    return body;
  }

  /** The body returned {@code result}, or threw {@code failure} (if not null): the task is done. */
  @SuppressWarnings("unchecked")
  void endBody(Object result, Throwable failure) {
    dispatcher.currentTask = null;
    waiter = null;
    if (failure instanceof CancellationException e) {
      setCancelled(e);
    } else if (failure != null) {
      setException(failure);
    } else if (mustCancel) { // cancelled during its last step, as asyncio's __step treats it
      mustCancel = false;
      setCancelled(mustCancelError(name() + " was cancelled"));
    } else {
      setResult((T) result);
    }
  }

  /** An error of fgbg's own stopped this task's thread: the task fails with it. Holder only. */
  void failInternally(Throwable error) {
    dispatcher.currentTask = null;
    waiter = null;
    setException(error);
  }

  /**
   * The thread of a task that has not started could not be started (no memory left for it): done
   * with {@code error}, without running the body. Holder only.
   */
  void failToStart(Throwable error) {
    coroutine = null;
    setException(error);
  }

  /** The first step of a task cancelled before it started: done, without running the body. */
  void cancelBeforeStart() {
    mustCancel = false;
    coroutine = null;
    setCancelled(mustCancelError(name() + " was cancelled before it started"));
  }

  /** The exception a pending cancel request throws: its message, or {@code defaultMessage}. */
  private CancellationException mustCancelError(String defaultMessage) {
    String message = mustCancelMessage;
    mustCancelMessage = null;
    return new CancellationException(message != null ? message : defaultMessage);
  }

  /** asyncio's {@code Task.cancel(msg)}: counts the request, then cancels the waiter or the step. */
  @Override
  boolean cancelOnLoop() {
    if (isDone()) {
      return false;
    }
    countCancelRequest();
    String message = cancelMessage();
    AbstractFuture<?> w = waiter;
    if (w != null && w.cancelOnLoop(message)) {
      return true; // the task wakes up when what it awaits is done cancelling
    }
    mustCancel = true;
    mustCancelMessage = message;
    return true;
  }

  // ---- suspension points: called by the body, on the task's own thread, holding the baton

  /** Awaits {@code future}: returns its value or throws its exception, one hop after it is done. */
  <R> R await(AbstractFuture<R> future) throws Exception {
    if (future.isDone()) {
      return future.resultNow(); // awaiting what is done does not yield
    }
    if (future == this) {
      throw new IllegalStateException(name() + " cannot await itself");
    }
    if (future.loop != loop) {
      throw new IllegalStateException(
          "cannot await " + future.describe() + " of another event loop from " + name());
    }
    return suspendOn(future);
  }

  /** {@link #await} of a pending {@code future} of this loop, the checks made. */
  private <R> R suspendOn(AbstractFuture<R> future) throws Exception {
    future.markObserved();
    future.addCallback(this);
    waiter = future;
    if (mustCancel && future.cancelOnLoop(mustCancelMessage)) {
      mustCancel = false;
      mustCancelMessage = null;
    }
    suspend();
    return future.resultNow();
  }

  /** Waits until no other callback is ready (see {@link Fgbg#untilIdle()}); time stands still. */
  void untilIdle() throws Exception {
    LoopFuture<Void> idle = new LoopFuture<>(loop, "untilIdle of " + name());
    dispatcher.addIdleWaiter(idle);
    try {
      await(idle);
    } finally {
      dispatcher.removeIdleWaiter(idle);
    }
  }

  /** Gives the loop one turn: asyncio's bare {@code yield} (what {@code sleep(0)} does). */
  void yieldOnce() {
    loop.scheduleStep(this);
    suspend();
  }

  /** Sleeps for {@code nanos} on the loop's clock (more than zero). */
  void sleep(long nanos) throws Exception {
    Sleep wakeUp = new Sleep(this);
    TimerHandle timer = loop.callLaterOnLoop(nanos, wakeUp);
    wakeUp.deadline = timer.deadline;
    try {
      suspendOn(wakeUp); // pending, of this loop: await's checks would pass, at a frame's cost
    } finally {
      timer.cancel();
    }
  }

  /**
   * The coroutine {@code sleep(delay, result)} returns for a positive delay. {@link Fgbg#await}
   * knows it and sleeps without calling it, one frame fewer on the sleeping task's stack.
   */
  static final class Sleeper<T> implements Coroutine<T> {
    final long nanos;
    final T result;

    Sleeper(long nanos, T result) {
      this.nanos = nanos;
      this.result = result;
    }

    @Override
    public T run() throws Exception {
      Fgbg.requireTask("sleep").sleep(nanos);
      return result;
    }
  }

  /**
   * What a sleeping task awaits: done by its timer (it is the timer's callback), described as
   * "sleep of" the task's name now.
   */
  private static final class Sleep extends AbstractFuture<Void> implements Runnable {
    private final CoroutineTask<?> task;
    /** The timer's deadline on the loop's clock, for ps(). */
    long deadline;

    Sleep(CoroutineTask<?> task) {
      super(task.loop);
      this.task = task;
    }

    @Override
    public void run() {
      if (!isDone()) {
        setResult(null);
      }
    }

    @Override
    String describe() {
      return "sleep of " + task.name();
    }
  }

  /**
   * What ps() says the task awaits: the job table's words, but "sleep until 1.500 s" for a sleep
   * (on the loop's clock), and "" while its step runs or is ready. A copy read from any thread:
   * a hint while the loop runs elsewhere.
   */
  String awaiting() {
    AbstractFuture<?> w = waiter;
    if (w instanceof Sleep sleep && !sleep.isDone() && dispatcher.currentTask != this) {
      return String.format(java.util.Locale.ROOT, "sleep until %.3f s", sleep.deadline / 1e9);
    }
    return jobDetail();
  }

  /**
   * The task's thread takes its new name: at once while this thread holds the loop or it is idle,
   * else through the inbox, so that the name never lands on a thread that has gone on to another
   * task meanwhile.
   */
  @Override
  void renamed() {
    loop.runOnLoopOrPost(
        () -> {
          Thread t = thread;
          if (t != null && !isDone()) {
            t.setName(name());
          }
        });
  }

  /**
   * Leaves the task, lets the loop run until this task's next step, then enters it again. When
   * the loop goes on on another thread, this thread parks here, in this frame (see {@link
   * Dispatcher}'s class comment).
   */
  private void suspend() {
    dispatcher.currentTask = null;
    Thread self = thread;
    if (dispatcher.dispatch(self, Dispatcher.Exit.SUSPENDED, this) == null) { // handed away
      boolean spin = spinNext;
      spinNext = false;
      dispatcher.baton.await(self, spin ? this : null);
    }
    dispatcher.currentTask = this;
    waiter = null;
    if (mustCancel) {
      mustCancel = false;
      throw mustCancelError(name() + " was cancelled");
    }
  }

  @Override
  public String toString() {
    // asyncio's repr: "cancelling" while a request is pending
    String state = !isDone() && cancelling() > 0 ? "cancelling" : stateText();
    return "Task[" + name() + ", " + state + "]";
  }

  // ---- spinning for the baton (see Baton.SPINS_WHEN_NEXT)

  /** After a failed spin, the switches this task parks at once before it may spin again. */
  private static final int SKIPS_AFTER_FAILED_SPIN = 16;
  /** While the next task does not spin, this task still spins once in so many switches. */
  private static final int PROBE_EVERY = 64;

  /**
   * Whether this task's thread should spin for the baton now that it hands it to {@code next}:
   * when {@code next} is spinning itself, it takes the baton at once, and the baton comes back
   * soon; when it is parked, waking it takes longer than a spin lasts. Once in {@value
   * #PROBE_EVERY} switches it spins anyway, so that two parked tasks find their way back to
   * spinning. Baton holder only.
   */
  boolean shouldSpin(CoroutineTask<?> next) {
    if (spinSkips > 0) {
      spinSkips--;
      return false;
    }
    if (next.spinning) {
      return true;
    }
    if (++switchesSinceProbe >= PROBE_EVERY) {
      switchesSinceProbe = 0;
      return true;
    }
    return false;
  }

  /** Learns from a spin: one that ended without the baton skips the next few. Holder only. */
  void spinEnded(boolean gotBaton) {
    if (!gotBaton) {
      spinSkips = SKIPS_AFTER_FAILED_SPIN;
    }
  }
}
