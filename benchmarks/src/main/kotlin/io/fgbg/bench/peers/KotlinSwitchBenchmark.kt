package io.fgbg.bench.peers

import io.fgbg.bench.Figures
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield

/**
 * W1 of `bin/bench-compare` on Kotlin coroutines (kotlinx.coroutines), without fgbg: inside
 * [runBlocking], whose event loop runs every coroutine on the main thread as an asyncio loop
 * does, two coroutines each call [yield] `n` times and are joined: what
 * [io.fgbg.bench.SwitchBenchmark]'s two tasks do with `await(sleep(Duration.ZERO))`, gathered in
 * the foreground, in the same order: warm-up rounds, then measured rounds, each timed from
 * launching the pair to both having finished, `2n` switches a round.
 *
 * Same arguments and output as `SwitchBenchmark`'s first line (and as
 * [VthreadsSwitchBenchmark]'s), so the runner reads them alike: the median of the measured rounds
 * in nanoseconds per switch, then every round as a comment:
 *
 * ```
 * kotlin 45.2
 * # n 200000, warm-up rounds 3, measured rounds 5
 * # kotlin rounds 45.0 45.2 46.1 44.9 45.3
 * ```
 *
 * By hand: `java -cp benchmarks/target/classes:$(cat benchmarks/target/peers.classpath)
 * io.fgbg.bench.peers.KotlinSwitchBenchmark [n [warmup [rounds]]]` (defaults 200000 3 5).
 * Only the main thread runs: it holds runBlocking's event loop, and every coroutine of every
 * round runs on it.
 */
object KotlinSwitchBenchmark {
  private const val USAGE = "KotlinSwitchBenchmark [n [warmup [rounds]]]  (defaults 200000 3 5)"

  /**
   * Runs the benchmark. Blocks the calling thread until every round has run.
   *
   * @param args `[n [warmup [rounds]]]`: yields per coroutine, warm-up rounds, measured rounds
   */
  @JvmStatic
  fun main(args: Array<String>) {
    val values =
      Figures.positives(
        args, "KotlinSwitchBenchmark", USAGE, arrayOf("n", "warmup", "rounds"), 200_000, 3, 5)
    val n = values[0]
    val perSwitch = DoubleArray(values[2])
    runBlocking {
      repeat(values[1]) { round(n) }
      for (i in perSwitch.indices) {
        perSwitch[i] = round(n) / (2.0 * n)
      }
    }
    println("kotlin " + Figures.format(Figures.median(perSwitch)))
    println("# n " + n + ", warm-up rounds " + values[1] + ", measured rounds " + values[2])
    println("# kotlin rounds " + Figures.formatAll(perSwitch))
  }

  /** One round: two coroutines on this event loop yield `n` times each; elapsed nanoseconds. */
  private suspend fun CoroutineScope.round(n: Int): Long {
    val start = System.nanoTime()
    val first = launch { repeat(n) { yield() } }
    val second = launch { repeat(n) { yield() } }
    joinAll(first, second)
    return System.nanoTime() - start
  }
}
