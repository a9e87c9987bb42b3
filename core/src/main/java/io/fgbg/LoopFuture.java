package io.fgbg;

/**
 * A plain future on the loop, for waiting inside fgbg's own coroutines (sleep, wait, waitFor).
 * Not a task: it has no name and is not listed by {@link Fgbg#allTasks()}.
 */
final class LoopFuture<T> extends AbstractFuture<T> {
  private final String description;

  /** A future described in messages as {@code description}, e.g. "sleep of Task-3". */
  LoopFuture(EventLoop loop, String description) {
    super(loop);
    this.description = description;
  }

  @Override
  String describe() {
    return description;
  }

  /** asyncio's {@code _release_waiter} / {@code _set_result_unless_cancelled}. */
  void setResultIfPending(T result) {
    if (!isDone()) {
      setResult(result);
    }
  }
}
