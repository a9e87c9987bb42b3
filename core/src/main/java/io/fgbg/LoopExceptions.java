package io.fgbg;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * A loop's exception handler and the default one: asyncio's {@code call_exception_handler} and
 * {@code default_exception_handler} ({@code Lib/asyncio/base_events.py}).
 *
 * <p>{@link #call} hands a context to the handler set with {@link #setHandler}, or to the default
 * when none is set. A handler that throws falls back to the default with asyncio's "Unhandled
 * error in exception handler" and the original context; a default that throws (a broken logging
 * configuration) falls back to {@code System.err}, the last place left. Nothing here ever throws
 * into the loop.
 *
 * <p>The default logs through {@link System.Logger} (logger {@value #LOGGER_NAME}, level {@code
 * ERROR}): the message, {@code task: <name>} when a task is concerned, and the exception with its
 * stack. In an interactive shell (system property {@value #INTERACTIVE}{@code =true}, set by the
 * JShell launcher) it writes the same to {@code System.err} instead, where the user sees it next
 * to the job notices.
 *
 * <p>Invariants: {@code handler} is volatile (set from any thread, read by the reporting thread);
 * everything else is immutable. Runs on the thread that reports: the loop's, for every error the
 * loop reports.
 */
final class LoopExceptions {
  static final String LOGGER_NAME = "io.fgbg";
  static final String INTERACTIVE = "fgbg.interactive";
  static final String HANDLER_FAILED = "Unhandled error in exception handler";
  static final String NEVER_RETRIEVED = "Task exception was never retrieved";

  private final EventLoop loop;
  /** The user's handler, or null for the default. */
  private volatile ExceptionHandler handler;

  LoopExceptions(EventLoop loop) {
    this.loop = loop;
  }

  /** asyncio's {@code set_exception_handler}: null restores the default. */
  void setHandler(ExceptionHandler handler) {
    this.handler = handler;
  }

  /** Reports an error no caller can receive, with no task concerned. */
  void report(String message, Throwable exception) {
    call(new Context(message, exception, null));
  }

  /** asyncio's {@code call_exception_handler}. Never throws but for a null context. */
  void call(ExceptionContext context) {
    Objects.requireNonNull(context, "context");
    ExceptionHandler h = handler;
    if (h == null) {
      logSafely(context, null);
      return;
    }
    try {
      h.handle(loop, context);
    } catch (Throwable e) {
      logSafely(new Context(HANDLER_FAILED, e, null), context);
    }
  }

  /** The default handler, guarded: if logging itself fails, System.err is the last resort. */
  private static void logSafely(ExceptionContext context, ExceptionContext original) {
    try {
      log(context, original);
    } catch (Throwable broken) {
      PrintStream err = System.err;
      err.println("Exception in default exception handler");
      broken.printStackTrace(err);
      err.println(context.message());
      if (context.exception() != null) {
        context.exception().printStackTrace(err);
      }
      err.flush();
    }
  }

  /** asyncio's {@code default_exception_handler}, for a context and the one it is about, if any. */
  private static void log(ExceptionContext context, ExceptionContext original) {
    String text = text(context, original);
    Throwable exception = context.exception();
    if (Boolean.getBoolean(INTERACTIVE)) {
      PrintStream err = System.err;
      err.println(text);
      if (exception != null) {
        exception.printStackTrace(err);
      }
      err.flush();
    } else {
      System.getLogger(LOGGER_NAME).log(System.Logger.Level.ERROR, text, exception);
    }
  }

  /**
   * The lines before the stack, as asyncio's default handler writes them: the message, then one
   * line per other part ({@code task: Task-2}; for a handler that failed, {@code context: ...} and
   * the stack of the exception the context was about, which would otherwise be lost).
   */
  static String text(ExceptionContext context, ExceptionContext original) {
    StringBuilder text = new StringBuilder(context.message());
    if (context.task() != null) {
      text.append(System.lineSeparator()).append("task: ").append(context.task().name());
      if (context.task() instanceof AbstractTask<?> task && !task.creationSite().isEmpty()) {
        text.append(" (").append(task.creationSite()).append(')'); // debug mode
      }
    }
    if (original != null) {
      text.append(System.lineSeparator()).append("context: ").append(original);
      if (original.exception() != null) {
        StringWriter stack = new StringWriter();
        original.exception().printStackTrace(new PrintWriter(stack));
        text.append(System.lineSeparator())
            .append("context exception: ")
            .append(stack.toString().stripTrailing());
      }
    }
    return text.toString();
  }

  /** The record behind {@link ExceptionContext#of}. */
  record Context(String message, Throwable exception, Task<?> task) implements ExceptionContext {
    Context {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder("ExceptionContext[message=").append(message);
      if (exception != null) {
        text.append(", exception=").append(exception);
      }
      if (task != null) {
        text.append(", task=").append(task.name());
      }
      return text.append(']').toString();
    }
  }
}
