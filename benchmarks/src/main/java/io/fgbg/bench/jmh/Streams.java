package io.fgbg.bench.jmh;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.openConnection;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.startServer;

import io.fgbg.Connection;
import io.fgbg.Server;
import io.fgbg.StreamReader;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * The streams, through their public API over one loopback TCP connection on the loop (the reader's
 * buffer alone is package-private, so the socket's system calls are in these figures, shared by
 * {@value OnLoop#BATCH} lines per run). {@link #readLine}: one write of {@value OnLoop#BATCH}
 * 64-byte lines at once, then {@code readLine} on the other end for each: one operation is one
 * line read. {@link #writeLine}: {@value OnLoop#BATCH} {@code write}s of a 64-byte line and a
 * {@code drain}, then one {@code readExactly} of them all on the other end: one operation is one
 * line written. 64,000 bytes a run stay under the writer's 64 KiB high-water mark.
 *
 * <p>The server's connection handler hands its reader over and sleeps until the loop closes,
 * which cancels it; only the loop's tasks touch the connection.
 */
public class Streams extends OnLoop {
  private static final byte[] LINE = line();
  private static final byte[] LINES = lines();

  private Server server;
  private Connection client;
  private StreamReader served;

  private static byte[] line() {
    byte[] line = new byte[64];
    Arrays.fill(line, (byte) 'x');
    line[63] = '\n';
    return line;
  }

  private static byte[] lines() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < BATCH; i++) {
      all.writeBytes(LINE);
    }
    return all.toByteArray();
  }

  @Override
  protected void prepare() throws Exception {
    server =
        runInForeground(
            startServer(
                (reader, writer) -> {
                  served = reader;
                  await(sleep(Duration.ofDays(1)));
                },
                "127.0.0.1",
                0),
            loop);
    client = runInForeground(openConnection("127.0.0.1", server.port()), loop);
    runInForeground(
        () -> {
          while (served == null) {
            await(sleep(Duration.ofMillis(1)));
          }
          return null;
        },
        loop);
  }

  @Override
  protected void finish() {
    client.writer().close();
    server.close();
  }

  /**
   * {@value OnLoop#BATCH} lines written at once, read one by one.
   *
   * @return the characters read
   * @throws Exception if the connection fails
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int readLine() throws Exception {
    return runInForeground(
        () -> {
          client.writer().write(LINES);
          await(client.writer().drain());
          int chars = 0;
          for (int i = 0; i < BATCH; i++) {
            chars += await(served.readLine()).length();
          }
          return chars;
        },
        loop);
  }

  /**
   * {@value OnLoop#BATCH} lines written one by one, read at once.
   *
   * @return the bytes read
   * @throws Exception if the connection fails
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int writeLine() throws Exception {
    return runInForeground(
        () -> {
          for (int i = 0; i < BATCH; i++) {
            client.writer().write(LINE);
          }
          await(client.writer().drain());
          return await(served.readExactly(LINES.length)).length;
        },
        loop);
  }
}
