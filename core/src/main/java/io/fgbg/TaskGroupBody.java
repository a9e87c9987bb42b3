package io.fgbg;

/**
 * The body of a task group: code that starts child tasks in the group it is given (the block of
 * asyncio's {@code async with TaskGroup() as group}).
 *
 * <pre>{@code
 * int total = await(taskGroup(group -> {
 *   Task<Integer> a = group.start(fetch("a"));
 *   Task<Integer> b = group.start(fetch("b"));
 *   return 0;                                   // the group then awaits a and b
 * }));
 * }</pre>
 *
 * <p>It runs inline in the task that awaits {@link Fgbg#taskGroup}, on that task's thread, and may
 * suspend wherever it calls {@link Fgbg#await}.
 *
 * @param <T> the type of the result
 */
@FunctionalInterface
public interface TaskGroupBody<T> {
  /**
   * Runs the body.
   *
   * @param group the group to start children in; use it from the loop's thread only
   * @return the result of {@link Fgbg#taskGroup}, once every child is done
   * @throws Exception anything: a failure of the group, as a child's failure is
   */
  T run(TaskGroup group) throws Exception;
}
