package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Many children at once, and a child that prints far more than a slow reader takes: the bytes held
 * in the JVM (in the reader's buffer, or read from the pipe and not yet fed to it) stay under a
 * bound set by the reader's limit, whatever the child prints.
 */
class SubprocessScaleTest extends SubprocessLoopSupport {

  @Test
  void aHundredChildrenAtOnceEachGiveTheirOwnOutputAndExitCode() throws Exception {
    int n = 100;
    List<Output> outputs =
        foreground(
            () -> {
              List<Subprocess> children = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                children.add(
                    await(
                        createSubprocessExec(
                            List.of("sh", "-c", "read x; echo child $0 got $x; exit $(($0 % 7))",
                                String.valueOf(i)),
                            SubprocessOptions.pipes())));
              }
              List<Task<Output>> all = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                all.add(scheduleCoroutine(children.get(i).communicate(("hi " + i + "\n").getBytes())));
              }
              return await(gather(all));
            });
    for (int i = 0; i < n; i++) {
      assertThat(outputs.get(i))
          .isEqualTo(
              new Output(
                  ("child " + i + " got hi " + i + "\n").getBytes(), new byte[0], i % 7));
    }
  }

  @Test
  void aChildPrinting200MiBToASlowReaderHoldsAFewHundredKiBInTheJvmAtMost() throws Exception {
    long total = 200L << 20;
    Subprocess p =
        shell(
            "yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c " + total,
            SubprocessOptions.pipes().stdin(Redirect.DISCARD));
    ReadPipe pipe = ((LoopSubprocess) p).stdoutPipe();
    long[] result =
        foreground(
            () -> {
              long consumed = 0;
              long mostHeld = 0;
              long mostInFlight = 0;
              int reads = 0;
              for (byte[] chunk; (chunk = await(p.stdout().read(16 * 1024))).length > 0; ) {
                consumed += chunk.length;
                // bytes in the JVM: read from the pipe, not yet taken by this task
                mostHeld = Math.max(mostHeld, pipe.bytesRead() - consumed);
                mostInFlight = Math.max(mostInFlight, pipe.bytesRead() - pipe.bytesFed());
                if (++reads % 16 == 0) {
                  await(sleep(ofMillis(1))); // a slow reader: the child waits on its pipe
                }
              }
              return new long[] {consumed, mostHeld, mostInFlight, await(p.waitExit())};
            });
    assertThat(result[0]).as("bytes read").isEqualTo(total);
    int limit = Streams.DEFAULT_LIMIT;
    assertThat(result[1])
        .as("most bytes held in the JVM")
        .isPositive()
        .isLessThanOrEqualTo(2L * limit + 2L * ReadPipe.CHUNK);
    assertThat(result[2]).as("most bytes in flight").isLessThanOrEqualTo(ReadPipe.CHUNK);
    assertThat(result[3]).as("exit code").isZero();
  }
}
