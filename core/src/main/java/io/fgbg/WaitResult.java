package io.fgbg;

import java.util.Set;

/** What {@link Fgbg#waitTasks} returns: the tasks that were done and those still pending. */
public interface WaitResult {
  /**
   * The tasks that were done when the wait ended, in the order they were given.
   *
   * @return an unmodifiable set
   */
  Set<Task<?>> done();

  /**
   * The tasks that were still pending when the wait ended, in the order they were given.
   *
   * @return an unmodifiable set
   */
  Set<Task<?>> pending();
}
