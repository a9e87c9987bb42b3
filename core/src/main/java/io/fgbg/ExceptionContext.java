package io.fgbg;

/**
 * What a loop reports to its {@link ExceptionHandler}: asyncio's context dict, typed.
 *
 * <p>The loop makes one for each error no caller can receive; the messages are asyncio's where
 * asyncio has the same error: {@code "Task exception was never retrieved"}, {@code "Exception in
 * callback ..."}, {@code "Unhandled exception in connection handler"}, ... A handler reads it;
 * code that wants the loop's handler to see an error of its own makes one with {@link #of} and
 * passes it to {@link EventLoop#callExceptionHandler}.
 *
 * <pre>{@code
 * loop.callExceptionHandler(ExceptionContext.of("cache refresh failed", e, currentTask()));
 * }</pre>
 *
 * <p>Immutable, and safe to pass between threads.
 */
public interface ExceptionContext {
  /**
   * What happened, in words.
   *
   * @return the message, never null
   */
  String message();

  /**
   * The exception behind it.
   *
   * @return the exception, or null if there is none
   */
  Throwable exception();

  /**
   * The task concerned: the one that failed, or whose connection handler threw.
   *
   * @return the task, or null if no task is concerned
   */
  Task<?> task();

  /**
   * A context with these parts. Its {@code toString()} reads {@code
   * ExceptionContext[message=..., exception=..., task=Task-2]}, leaving out the parts that are
   * null; two contexts with equal parts are equal.
   *
   * @param message what happened
   * @param exception the exception behind it, or null
   * @param task the task concerned, or null
   * @return the context
   * @throws NullPointerException if {@code message} is null
   */
  static ExceptionContext of(String message, Throwable exception, Task<?> task) {
    return new LoopExceptions.Context(message, exception, task);
  }
}
