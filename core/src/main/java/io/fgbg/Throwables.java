package io.fgbg;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Small helpers for delivering an exception object exactly as it was thrown. */
final class Throwables {
  private Throwables() {}

  /** Throws {@code t} itself, checked or not, without wrapping. Declared to return for `throw`. */
  static RuntimeException sneaky(Throwable t) {
    Throwables.<RuntimeException>sneakyThrow0(t);
    throw new AssertionError("unreachable");
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void sneakyThrow0(Throwable t) throws E {
    throw (E) t;
  }

  /** The exception a CompletionStage or Future really failed with. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** "IOException: message", as a shell prints a failure on one line. */
  static String brief(Throwable t) {
    String message = t.getMessage();
    String name = t.getClass().getSimpleName();
    return message == null ? name : name + ": " + message;
  }
}
