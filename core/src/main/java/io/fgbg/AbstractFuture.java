package io.fgbg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The state every task shares with asyncio's {@code Future}: pending, then done with a result,
 * with an exception, or cancelled; done callbacks scheduled with {@code callSoon}, in the order
 * they were added.
 *
 * <p>Invariants: only the thread holding the loop's baton changes the state or touches the
 * callback list. {@code state} is volatile and written last, so any thread that sees a done state
 * also sees the result or exception.
 *
 * @param <T> the type of the result
 */
abstract class AbstractFuture<T> {
  private static final VarHandle COMPLETABLE;

  static {
    try {
      COMPLETABLE =
          MethodHandles.lookup()
              .findVarHandle(AbstractFuture.class, "completable", CompletableFuture.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Something to run on the loop when a future completes (internal counterpart of Consumer). */
  @FunctionalInterface
  interface DoneCallback {
    void done(AbstractFuture<?> future);
  }

  private static final int PENDING = 0;
  private static final int SUCCEEDED = 1;
  private static final int FAILED = 2;
  private static final int CANCELLED = 3;

  final EventLoop loop;
  private volatile int state = PENDING;
  private T value;
  private Throwable failure; // the exception, or the CancellationException of a cancelled future
  /** Null, one callback, or an ArrayList of them. A callback is a DoneCallback or a waiting task. */
  private Object callbacks;

  /** Made on first use, by a compare-and-set: never a lock on an object users see. */
  private volatile CompletableFuture<T> completable;
  /**
   * Somebody took, or is waiting to take, the outcome: awaited, gathered, waited for, read, or a
   * done callback added. A job whose outcome was observed needs no notice (see {@link Jobs}).
   */
  private volatile boolean observed;

  AbstractFuture(EventLoop loop) {
    this.loop = loop;
  }

  // ---- state, readable from any thread

  public boolean isDone() {
    return state != PENDING;
  }

  public boolean isCancelled() {
    return state == CANCELLED;
  }

  public T result() throws Exception {
    return resultNow();
  }

  /**
   * The value, or throws the failure itself (unchecked or not). Requires a done future. Counts as
   * taking the outcome, once done.
   */
  final T resultNow() throws Exception {
    switch (state) {
      case SUCCEEDED:
        markObserved();
        return value;
      case PENDING:
        throw new IllegalStateException(describe() + " is not done yet");
      default:
        markObserved();
        throw Throwables.sneaky(failure);
    }
  }

  public Throwable exception() {
    if (state == PENDING) {
      throw new IllegalStateException(describe() + " is not done yet");
    }
    markObserved();
    return failure;
  }

  /** The exception of a failed or cancelled future, else null; not counted as taking it. */
  final Throwable failureNow() {
    return state == PENDING ? null : failure;
  }

  /** Notes that somebody takes the outcome: a failure of it needs no notice. */
  final void markObserved() {
    if (!observed) {
      observed = true;
    }
  }

  final boolean isObserved() {
    return observed;
  }

  // ---- completion (baton holder only)

  final void setResult(T result) {
    if (state != PENDING) {
      throw new IllegalStateException(describe() + " is already done");
    }
    this.value = result;
    complete(SUCCEEDED);
  }

  final void setException(Throwable exception) {
    if (state != PENDING) {
      throw new IllegalStateException(describe() + " is already done");
    }
    this.failure = exception;
    complete(FAILED);
  }

  /**
   * Completes with an outcome that came from elsewhere (a thread, a stage), unless the future is
   * already done (cancelled meanwhile: the outcome is dropped). A CancellationException as the
   * failure makes it cancelled.
   */
  final void completeUnlessDone(T result, Throwable failure) {
    if (isDone()) {
      return;
    }
    if (failure instanceof CancellationException cancelled) {
      setCancelled(cancelled);
    } else if (failure != null) {
      setException(failure);
    } else {
      setResult(result);
    }
  }

  /** Marks the future cancelled; {@code cause} is what {@link #exception()} will return. */
  final void setCancelled(CancellationException cause) {
    if (state != PENDING) {
      throw new IllegalStateException(describe() + " is already done");
    }
    this.failure = cause;
    complete(CANCELLED);
  }

  private void complete(int newState) {
    state = newState;
    loop.futureDone(this);
    Object cbs = callbacks;
    callbacks = null;
    if (cbs instanceof ArrayList<?> list) {
      for (Object cb : list) {
        schedule(cb);
      }
    } else if (cbs != null) {
      schedule(cbs);
    }
    CompletableFuture<T> cf = completable;
    if (cf != null) {
      completeCompletable(cf);
    }
    onDone();
  }

  /** Hook for subclasses: runs on the loop right after the future became done. */
  void onDone() {}

  private void schedule(Object callback) {
    if (callback instanceof CoroutineTask<?> waiting) {
      loop.scheduleStep(waiting); // asyncio's __wakeup: one hop, then the task's next step
    } else {
      loop.callSoonOnLoop(new ScheduledCallback(this, (DoneCallback) callback));
    }
  }

  /** A done callback in the ready queue; named so that a report of its failure says whose it is. */
  private record ScheduledCallback(AbstractFuture<?> future, DoneCallback callback)
      implements Runnable {
    @Override
    public void run() {
      callback.done(future);
    }

    @Override
    public String toString() {
      return "done callback of " + future.describe();
    }
  }

  /** Adds a callback: a DoneCallback, or a task to wake. Baton holder only. */
  final void addCallback(Object callback) {
    if (state != PENDING) {
      schedule(callback);
    } else if (callbacks == null) {
      callbacks = callback;
    } else if (callbacks instanceof ArrayList<?>) {
      @SuppressWarnings("unchecked")
      ArrayList<Object> list = (ArrayList<Object>) callbacks;
      list.add(callback);
    } else {
      ArrayList<Object> list = new ArrayList<>(4);
      list.add(callbacks);
      list.add(callback);
      callbacks = list;
    }
  }

  /** Removes every registration of {@code callback}. Baton holder only. */
  final void removeCallback(Object callback) {
    if (callbacks == callback) {
      callbacks = null;
    } else if (callbacks instanceof ArrayList<?> list) {
      list.removeIf(cb -> cb == callback);
    }
  }

  // ---- cancellation

  /**
   * The message of the {@code cancel(message)} request being applied, set only while {@link
   * #cancelOnLoop(String)} runs (asyncio's {@code _cancel_message}, passed along as its {@code
   * msg}); null otherwise. Baton holder only.
   */
  private String cancelMessage;

  /**
   * Requests cancellation; safe from any thread. On the loop (or while it is idle) it is applied
   * at once; while the loop runs in another thread it goes through the thread-safe inbox.
   */
  public final boolean cancel() {
    return cancel(null);
  }

  /** {@link #cancel()} whose CancellationException says {@code message} (null: the default). */
  public final boolean cancel(String message) {
    if (isDone()) {
      return false;
    }
    boolean[] cancelled = {true}; // a request posted through the inbox is accepted
    if (!loop.runOnLoopOrPost(() -> cancelled[0] = cancelOnLoop(message))) {
      cancelRequestedFromOtherThread();
    }
    return cancelled[0];
  }

  /**
   * asyncio's {@code cancel(msg)}, run by the baton holder: applies {@link #cancelOnLoop()} with
   * {@code message} as the request's message. Subclasses override {@code cancelOnLoop()} and take
   * the message from {@link #cancelledError}, so a future that overrides only that (gather's)
   * keeps its meaning and drops the message.
   */
  final boolean cancelOnLoop(String message) {
    String outer = cancelMessage; // a request applied inside another one (a waiter's)
    cancelMessage = message;
    try {
      return cancelOnLoop();
    } finally {
      cancelMessage = outer;
    }
  }

  /** asyncio's {@code cancel()}, run by the baton holder. */
  boolean cancelOnLoop() {
    if (isDone()) {
      return false;
    }
    setCancelled(cancelledError(describe() + " was cancelled"));
    return true;
  }

  /** The message of the request being applied, or null: for a subclass to keep for later. */
  final String cancelMessage() {
    return cancelMessage;
  }

  /**
   * A CancellationException for the request being applied: its message, or {@code
   * defaultMessage} when it has none.
   */
  final CancellationException cancelledError(String defaultMessage) {
    return new CancellationException(cancelMessage != null ? cancelMessage : defaultMessage);
  }

  /** Hook: runs on the cancelling thread after a cross-thread cancel request was posted. */
  void cancelRequestedFromOtherThread() {}

  // ---- bridges for the public Task methods

  public void addDoneCallback(Consumer<? super Task<T>> callback) {
    Objects.requireNonNull(callback, "callback");
    @SuppressWarnings("unchecked")
    Task<T> self = (Task<T>) this;
    DoneCallback cb = f -> callback.accept(self);
    loop.checkOpen(); // a closed loop would never run it
    markObserved();
    loop.runOnLoopOrPost(() -> addCallback(cb));
  }

  public CompletableFuture<T> toCompletableFuture() {
    markObserved();
    CompletableFuture<T> cf = completable;
    if (cf == null) {
      CompletableFuture<T> made = new TaskFuture<>(this);
      cf = COMPLETABLE.compareAndSet(this, null, made) ? made : completable;
    }
    if (isDone()) {
      completeCompletable(cf);
    }
    return cf;
  }

  private void completeCompletable(CompletableFuture<T> cf) {
    switch (state) {
      case SUCCEEDED -> cf.complete(value);
      case FAILED -> cf.completeExceptionally(failure);
      case CANCELLED -> cf.completeExceptionally(failure);
      default -> throw new AssertionError("not done");
    }
  }

  /** A CompletableFuture view whose cancel() cancels the task. */
  private static final class TaskFuture<T> extends CompletableFuture<T> {
    private final AbstractFuture<T> task;

    TaskFuture(AbstractFuture<T> task) {
      this.task = task;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      task.cancel();
      return super.cancel(mayInterruptIfRunning);
    }
  }

  // ---- printing

  /** How messages name this future: the task name, or "future". */
  String describe() {
    return "future";
  }

  /** The state in words: pending, done, failed or cancelled, with the result or exception. */
  final String stateText() {
    return switch (state) {
      case PENDING -> "pending";
      case SUCCEEDED -> "done, result=" + value;
      case FAILED -> "failed, " + Throwables.brief(failure);
      default -> "cancelled";
    };
  }

  @Override
  public String toString() {
    return describe() + " (" + stateText() + ")";
  }
}
