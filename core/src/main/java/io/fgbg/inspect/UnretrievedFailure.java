package io.fgbg.inspect;

/**
 * A task that failed and whose exception nobody retrieved (awaited, gathered, waited for, read
 * with {@code result()} or {@code exception()}): what asyncio reports as "Task exception was never
 * retrieved".
 *
 * @param number the job number (the N of "Task-N")
 * @param name the task's name
 * @param exception the exception the task failed with
 */
public record UnretrievedFailure(long number, String name, Throwable exception) {}
