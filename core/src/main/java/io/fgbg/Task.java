package io.fgbg;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A job on an event loop: a scheduled coroutine, or a background call whose result comes back
 * through the loop.
 *
 * <p>A task is pending until it is done, and then done in exactly one of three ways: with a
 * result, with an exception, or cancelled. Tasks are made by {@link Fgbg#scheduleCoroutine},
 * {@link Fgbg#callInBackground} and {@link Fgbg#runInBackground}; they are awaited with {@link
 * Fgbg#await(Task)} inside another task, or with {@link Fgbg#runInForeground(Task)} from plain
 * code.
 *
 * <p>Reading a task's state ({@link #isDone()}, {@link #result()}, ...) is safe from any thread.
 * {@link #cancel()} and {@link #cancelling()} are safe from any thread. Done callbacks always run
 * on the loop.
 *
 * @param <T> the type of the result
 */
public interface Task<T> {
  /**
   * The task's name: {@code "Task-1"}, {@code "Task-2"}, ... in the order the loop made them,
   * unless named with {@link #setName}. The N of "Task-N" is the task's job number, which {@link
   * Fgbg#jobs()} lists and {@link Fgbg#job(long)} takes, whatever its name.
   *
   * @return the name, never null
   */
  String name();

  /**
   * Names the task (asyncio's {@code Task.set_name}): {@link #name()} returns {@code name} from
   * now on, and {@code toString()}, the job table, job notices, {@link Fgbg#ps()} and the messages
   * that name the task ({@code "sleep of ticker was cancelled"}) show it. The job number does not
   * change: {@link Fgbg#job(long)} finds the task by it whatever its name. The virtual thread that
   * runs a coroutine's body takes the name too ({@link Thread#getName()}, as a thread dump shows
   * it), at once on the loop's own thread or while the loop is idle, else as soon as the loop
   * runs; a background call's thread is its executor's and keeps its own. Safe from any thread;
   * never suspends.
   *
   * <pre>{@code
   * Task<Void> t = scheduleCoroutine(ticker);
   * t.setName("ticker");
   * jobs();          // [1]+  Pending  0.0 s  ticker
   * }</pre>
   *
   * <p>This default throws; the tasks fgbg makes all support naming.
   *
   * @param name the new name; any string, the empty one too
   * @throws NullPointerException if {@code name} is null (the message says {@code name}, as
   *     every null argument's does)
   * @throws UnsupportedOperationException if this implementation cannot be named
   */
  default void setName(String name) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot be named");
  }

  /**
   * Tells whether the task is done (with a result, an exception, or cancelled).
   *
   * @return true once done; never false again after that
   */
  boolean isDone();

  /**
   * Tells whether the task is done because it was cancelled.
   *
   * @return true if cancelled
   */
  boolean isCancelled();

  /**
   * Requests cancellation, with asyncio's {@code Task.cancel()} semantics.
   *
   * <p>A task that has not started never runs. A suspended task gets a {@link
   * java.util.concurrent.CancellationException} out of the {@code await} it is suspended in,
   * and whatever it awaits is cancelled too; it may catch the exception, clean up, and even
   * return a value. A background call's thread is interrupted. Called on the loop's own thread
   * the request takes effect directly; from another thread it goes through the loop's
   * thread-safe inbox and is applied as soon as the loop runs.
   *
   * <p>The same as {@link #cancel(String) cancel(null)}.
   *
   * @return false if the task was already done, true otherwise
   */
  boolean cancel();

  /**
   * Requests cancellation, with asyncio 3.11's {@code Task.cancel(msg)} semantics: {@link
   * #cancel()}, whose {@link java.util.concurrent.CancellationException} has {@code message} as
   * its message, both where the task sees it (out of its {@code await}) and as the task's {@link
   * #exception()} and {@link #result()} once it is done cancelled. Each request on a task that is
   * not done adds one to {@link #cancelling()}. Safe from any thread; never suspends.
   *
   * <pre>{@code
   * task.cancel("shutting down");
   * runInForeground(waitTasks(List.of(task)));
   * task.exception().getMessage();                     // "shutting down"
   * }</pre>
   *
   * <p>This default throws; the tasks fgbg makes all support it.
   *
   * <p>Differences from asyncio: the message is a {@code String}; with none (null) the exception
   * says which task or wait was cancelled ({@code "Task-3 was cancelled"}) where asyncio's has no
   * arguments. A message does not pass through {@link Fgbg#gather}: cancelling a task awaiting
   * it cancels the gathered tasks without the message.
   *
   * @param message the exception's message; null for the default one
   * @return false if the task was already done, true otherwise
   * @throws UnsupportedOperationException if this implementation cannot be cancelled this way
   */
  default boolean cancel(String message) {
    throw new UnsupportedOperationException(getClass().getName() + " takes no cancel message");
  }

  /**
   * The number of cancel requests not yet withdrawn (asyncio 3.11's {@code Task.cancelling()}):
   * each {@link #cancel()} of the task while it is not done adds one, each {@link #uncancel()}
   * takes one away. Code that cancels a task and then handles that cancellation itself (a
   * timeout, a task group) uses it to tell its own request from others. The count stays as it was
   * once the task is done. Safe from any thread; never suspends.
   *
   * <p>This default throws; the tasks fgbg makes all support it.
   *
   * @return the count, never negative
   * @throws UnsupportedOperationException if this implementation does not count requests
   */
  default int cancelling() {
    throw new UnsupportedOperationException(getClass().getName() + " counts no cancel requests");
  }

  /**
   * Withdraws one cancel request (asyncio 3.11's {@code Task.uncancel()}): takes one from {@link
   * #cancelling()}, unless it is zero. It does not stop a cancellation already under way (a
   * {@link java.util.concurrent.CancellationException} already thrown, a waiter already
   * cancelled); it is for the code that made the request and has handled it, so that the task
   * can go on as if it had not been cancelled. Never suspends.
   *
   * <p>This default throws; the tasks fgbg makes all support it.
   *
   * @return the count that remains
   * @throws IllegalStateException if the task's loop is running in another thread, or is closed
   *     while this thread does not run it
   * @throws UnsupportedOperationException if this implementation does not count requests
   */
  default int uncancel() {
    throw new UnsupportedOperationException(getClass().getName() + " counts no cancel requests");
  }

  /**
   * The task's result.
   *
   * @return the value the task completed with
   * @throws Exception the task's own exception object, if it failed
   * @throws java.util.concurrent.CancellationException if it was cancelled
   * @throws IllegalStateException if it is not done yet
   */
  T result() throws Exception;

  /**
   * The task's exception.
   *
   * @return null if the task completed with a value; the exception object it failed with; a
   *     {@link java.util.concurrent.CancellationException} if it was cancelled
   * @throws IllegalStateException if it is not done yet
   */
  Throwable exception();

  /**
   * Adds a callback to run on the loop once the task is done, with the task as argument.
   *
   * <p>Callbacks are scheduled with {@link EventLoop#callSoon} when the task finishes, in the
   * order they were added; a callback added to a task that is already done is scheduled at once.
   * An exception a callback throws goes to the loop's {@link ExceptionHandler} and does not stop
   * the loop.
   *
   * @param callback the callback
   * @throws NullPointerException if {@code callback} is null
   * @throws IllegalStateException if the task's loop is closed
   */
  void addDoneCallback(Consumer<? super Task<T>> callback);

  /**
   * A {@link CompletableFuture} that completes with the task, for code on other threads.
   *
   * <p>It completes when the task does (so only while the loop runs), with the task's value, or
   * exceptionally with the task's exception. Cancelling it requests cancellation of the task.
   * The same future is returned on every call. Dependent actions added with the non-async methods
   * ({@code thenApply}, ...) run on the loop's thread as the task completes: keep them short, or
   * use the {@code ...Async} variants.
   *
   * @return the future
   */
  CompletableFuture<T> toCompletableFuture();
}
