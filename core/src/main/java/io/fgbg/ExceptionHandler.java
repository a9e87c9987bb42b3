package io.fgbg;

/**
 * What a loop does with an error that no caller can receive: asyncio's exception handler.
 *
 * <p>A callback that throws, a done callback that throws, a task that failed and whose exception
 * nobody retrieved, a connection handler that throws, an error inside fgbg itself: each is
 * described by an {@link ExceptionContext} and handed to the loop's handler, and the loop goes on.
 * Without a handler of its own, a loop uses the default, which logs through {@link System.Logger}
 * (logger {@code io.fgbg}, level {@code ERROR}: the message, the task's name, the exception with
 * its stack); when the system property {@code fgbg.interactive} is {@code true} (the JShell
 * launcher sets it), the default writes the same to {@code System.err} directly.
 *
 * <pre>{@code
 * List<ExceptionContext> seen = new ArrayList<>();
 * EventLoop.current().setExceptionHandler((loop, context) -> seen.add(context));
 * EventLoop.current().callSoon(() -> { throw new IllegalStateException("boom"); });
 * runInForeground(sleep(ZERO));
 * // seen: [ExceptionContext[message=Exception in callback ..., exception=...]]
 * }</pre>
 *
 * <p>The handler runs on the thread that reports the error, which is the loop's own (inside a
 * callback or a task's step) for every error the loop reports, so it must be short and must not
 * block. It is never a point where a task can switch: it must not {@code await}.
 *
 * <p>Differences from asyncio: the context is typed ({@link ExceptionContext}) instead of a dict.
 */
@FunctionalInterface
public interface ExceptionHandler {
  /**
   * Handles one error. Never suspends.
   *
   * <p>An exception the handler throws does not reach the loop: it is reported by the default
   * handler as "Unhandled error in exception handler", together with {@code context}, as asyncio
   * does.
   *
   * @param loop the loop that reports the error
   * @param context what happened
   */
  void handle(EventLoop loop, ExceptionContext context);
}
