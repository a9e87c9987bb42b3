package io.fgbg;

/**
 * A recipe for asynchronous work: sequential code that may suspend at {@link Fgbg#await}.
 *
 * <p>Nothing runs until the coroutine is scheduled: {@link Fgbg#scheduleCoroutine} puts it in
 * the background of a loop, {@link Fgbg#runInForeground(Coroutine)} runs it now, and {@link
 * Fgbg#await(Coroutine)} runs it inline inside the task that awaits it.
 *
 * <pre>{@code
 * Coroutine<Void> ticker = () -> {
 *   for (int i = 0; ; i++) {
 *     System.out.println(i);
 *     await(sleep(ofSeconds(1)));
 *   }
 * };
 * }</pre>
 *
 * <p>A coroutine is a recipe, not a running thing: the same object may be scheduled many times,
 * each time as a new task.
 *
 * @param <T> the type of the result
 */
@FunctionalInterface
public interface Coroutine<T> {
  /**
   * Runs the body. Called by fgbg on the task that runs the coroutine; may suspend wherever it
   * calls {@link Fgbg#await}.
   *
   * @return the task's result
   * @throws Exception anything; it becomes the task's exception, delivered as the same object
   */
  T run() throws Exception;
}
