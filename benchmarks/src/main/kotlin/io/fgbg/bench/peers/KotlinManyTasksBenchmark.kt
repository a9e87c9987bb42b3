package io.fgbg.bench.peers

import io.fgbg.bench.Figures
import kotlinx.coroutines.delay
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

/**
 * W2 of `bin/bench-compare` on Kotlin coroutines (kotlinx.coroutines), without fgbg: inside
 * [runBlocking], whose event loop runs every coroutine on the main thread, launches `tasks`
 * coroutines that each [delay] `ms`, then joins them all ([joinAll]), in the same order as
 * [io.fgbg.bench.ManyTasksBenchmark] schedules its sleeping tasks and gathers them. One launch,
 * one round, no warm-up: the runner times the whole process from the outside, JVM start included.
 * It prints the same two lines as `ManyTasksBenchmark` (and as [VthreadsManyTasksBenchmark]):
 * what it measured inside (launching the coroutines and joining them, in ms) and the peak
 * resident set size at the end (VmHWM, in KiB, read by [Figures.peakRssKib]):
 *
 * ```
 * kotlin 95.3
 * rss_kib 151234
 * ```
 *
 * By hand: `java -cp benchmarks/target/classes:$(cat benchmarks/target/peers.classpath)
 * io.fgbg.bench.peers.KotlinManyTasksBenchmark [tasks [ms]]` (defaults 100000 tasks, 10 ms).
 * Only the main thread runs coroutines (runBlocking's event loop); the delays' timers are kept
 * by that loop too.
 */
object KotlinManyTasksBenchmark {
  private const val USAGE = "KotlinManyTasksBenchmark [tasks [ms]]  (defaults 100000 10)"

  /**
   * Runs the workload once. Blocks the calling thread until every sleeper has ended.
   *
   * @param args `[tasks [ms]]`
   * @throws java.io.IOException if the peak resident set size cannot be read
   */
  @JvmStatic
  fun main(args: Array<String>) {
    val values =
      Figures.positives(
        args, "KotlinManyTasksBenchmark", USAGE, arrayOf("tasks", "ms"), 100_000, 10)
    val ms = values[1].toLong()
    val elapsedMs = runBlocking {
      val start = System.nanoTime()
      val all = List(values[0]) { launch { delay(ms) } }
      all.joinAll()
      (System.nanoTime() - start) / 1e6
    }

    println("kotlin " + Figures.format(elapsedMs))
    println("rss_kib " + Figures.peakRssKib())
  }
}
