package io.fgbg.bench.peers

import io.fgbg.bench.Figures
import java.util.concurrent.Callable
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext

/**
 * W4 of `bin/bench-compare` on Kotlin coroutines (kotlinx.coroutines), without fgbg: inside
 * [runBlocking], whose event loop runs the caller on the main thread as an fgbg task runs on its
 * loop, the caller runs the trivial callable (`Callable { null }`) with
 * `withContext(Dispatchers.IO)` and waits for its result, `n` times in a row: the same calls in
 * the same order as [io.fgbg.bench.BackgroundCallBenchmark]'s task awaiting `callInBackground`
 * (and asyncio's `run_in_executor(None, f)`), each call handed to a pool thread and its result
 * handed back to the loop. After warm-up rounds it prints the median of the measured rounds in
 * microseconds per round trip, then every round as a comment, as `BackgroundCallBenchmark` does:
 *
 * ```
 * kotlin 8.1
 * # kotlin rounds 8.2 8.1 8.0
 * ```
 *
 * By hand: `java -cp benchmarks/target/classes:$(cat benchmarks/target/peers.classpath)
 * io.fgbg.bench.peers.KotlinBackgroundCallBenchmark [n [warmup [rounds]]]` (defaults 10000 2 5).
 * The main thread holds runBlocking's event loop and runs the caller; the callable alone runs on
 * a thread of Dispatchers.IO, which hands its result back to the loop.
 */
object KotlinBackgroundCallBenchmark {
  private const val USAGE = "KotlinBackgroundCallBenchmark [n [warmup [rounds]]]  (defaults 10000 2 5)"
  private val TRIVIAL = Callable<Any?> { null }

  /**
   * Runs the benchmark. Blocks the calling thread until every round has run.
   *
   * @param args `[n [warmup [rounds]]]`
   * @throws Exception if a call fails
   */
  @JvmStatic
  fun main(args: Array<String>) {
    val values =
      Figures.positives(
        args, "KotlinBackgroundCallBenchmark", USAGE, arrayOf("n", "warmup", "rounds"), 10_000, 2, 5)
    val n = values[0]
    val micros = DoubleArray(values[2])
    runBlocking {
      repeat(values[1]) { round(n) }
      for (i in micros.indices) {
        micros[i] = round(n)
      }
    }
    Figures.report("kotlin", micros)
  }

  /** Microseconds per round trip over `n` calls, one after another, made on this event loop. */
  private suspend fun round(n: Int): Double {
    val start = System.nanoTime()
    repeat(n) { withContext(Dispatchers.IO) { TRIVIAL.call() } }
    return (System.nanoTime() - start) / n.toDouble() / 1000
  }
}
