package io.fgbg;

/**
 * A plain future on the loop, for waiting inside fgbg's own coroutines (sleep, wait, waitFor).
 * Not a task: it has no name and is not listed by {@link Fgbg#allTasks()}.
 */
final class LoopFuture<T> extends AbstractFuture<T> {
  private final String description;
  /** The rest of the description, or null: joined only when a message needs it. */
  private final String rest;

  /** A future described in messages as {@code description}, e.g. "sleep of Task-3". */
  LoopFuture(EventLoop loop, String description) {
    this(loop, description, null);
  }

  /**
   * A future described as {@code description + rest}, the two joined only when a message needs
   * them: for the futures made on every read, which would otherwise build a string each time.
   */
  LoopFuture(EventLoop loop, String description, String rest) {
    super(loop);
    this.description = description;
    this.rest = rest;
  }

  @Override
  String describe() {
    return rest == null ? description : description + rest;
  }

  /** asyncio's {@code _release_waiter} / {@code _set_result_unless_cancelled}. */
  void setResultIfPending(T result) {
    if (!isDone()) {
      setResult(result);
    }
  }
}
