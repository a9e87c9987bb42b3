package io.fgbg.bench;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.openConnection;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.startServer;

import io.fgbg.Connection;
import io.fgbg.ConnectionHandler;
import io.fgbg.EventLoop;
import io.fgbg.IncompleteReadException;
import io.fgbg.Server;
import io.fgbg.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Measures TCP echo round trips per second on one fgbg loop: an echo server and {@code clients}
 * clients on the same loop, each client sending a 64-byte line and waiting for it to come back,
 * {@code n} times. The same workload as {@code benchmarks/python/echo.py} on CPython asyncio.
 *
 * <p>The server's handler reads a line with {@code readUntil("\n")}, writes it back and drains;
 * a client writes its line, drains and reads the echo with {@code readUntil("\n")}. The
 * connections are opened before the clock starts, after one connection has done a round trip and
 * been closed (as on asyncio's side, where it matters). After warm-up rounds it prints the median of
 * the measured rounds, made for scripts, then every round as a comment:
 *
 * <pre>
 * fgbg 71234.5
 * # fgbg rounds 70111.2 71234.5 72010.9
 * </pre>
 *
 * <p>{@code bin/bench-echo} runs several launches next to asyncio and prints the ratio. By hand:
 *
 * <pre>
 * ./mvnw -B -q -DskipTests package -pl benchmarks -am
 * java -cp core/target/classes:benchmarks/target/classes io.fgbg.bench.EchoBenchmark [clients [n [warmup [rounds]]]]
 * </pre>
 *
 * <p>Defaults: 50 clients, 2000 round trips each, 2 warm-up rounds, 5 measured rounds. With
 * {@code --tls DIR} every connection is TLS, with the certificate of {@link BenchCertificates} in
 * DIR (made there if missing), which {@code echo.py --tls DIR} uses too: the server presents it,
 * the clients trust it and check the name "localhost". The figure is then printed as {@code
 * fgbg-tls}.
 */
public final class EchoBenchmark {
  private EchoBenchmark() {}

  private static final String USAGE =
      "EchoBenchmark [--tls DIR] [clients [n [warmup [rounds]]]]  (defaults 50 2000 2 5)";
  private static final byte[] NEWLINE = {'\n'};

  /**
   * Runs the benchmark.
   *
   * @param args {@code [--tls DIR] [clients [n [warmup [rounds]]]]}
   * @throws Exception if the workload fails
   */
  public static void main(String[] args) throws Exception {
    Path tlsDir = null;
    if (args.length >= 1 && args[0].equals("--tls")) {
      if (args.length < 2) {
        System.err.println("usage: " + USAGE);
        System.exit(2);
      }
      tlsDir = Path.of(args[1]);
      args = Arrays.copyOfRange(args, 2, args.length);
      BenchCertificates.make(tlsDir);
    }
    SSLContext serverTls = tlsDir == null ? null : BenchCertificates.server(tlsDir);
    SSLContext clientTls = tlsDir == null ? null : BenchCertificates.client(tlsDir);
    String label = tlsDir == null ? "fgbg" : "fgbg-tls";
    if (args.length > 4) {
      System.err.println("usage: " + USAGE);
      System.exit(2);
    }
    int clients = args.length > 0 ? positive(args[0], "clients") : 50;
    int n = args.length > 1 ? positive(args[1], "n") : 2000;
    int warmup = args.length > 2 ? positive(args[2], "warmup") : 2;
    int rounds = args.length > 3 ? positive(args[3], "rounds") : 5;

    ConnectionHandler echo =
        (reader, writer) -> {
          try {
            for (; ; ) {
              writer.write(await(reader.readUntil(NEWLINE)));
              await(writer.drain());
            }
          } catch (IncompleteReadException endOfStream) {
            writer.close();
          }
        };
    Server server =
        serverTls == null
            ? runInForeground(startServer(echo, "127.0.0.1", 0))
            : runInForeground(startServer(echo, "127.0.0.1", 0, serverTls));
    warmUp(server.port(), clientTls);
    List<Connection> connections = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      connections.add(
          clientTls == null
              ? runInForeground(openConnection("127.0.0.1", server.port()))
              : runInForeground(openConnection("localhost", server.port(), clientTls)));
    }
    double[] perSecond =
        Figures.measure(warmup, rounds, () -> (double) clients * n / (round(connections, n) / 1e9));
    for (Connection c : connections) {
      c.writer().close();
    }
    server.close();
    runInForeground(server.waitClosed());
    EventLoop.current().close();

    System.out.println(label + " " + Figures.format(Figures.median(perSecond)));
    System.out.println(
        "# clients " + clients + ", round trips each " + n + ", warm-up rounds " + warmup
            + ", measured rounds " + rounds);
    System.out.println("# " + label + " rounds " + Figures.formatAll(perSecond));
  }

  /**
   * One connection that does a round trip and is closed before anything is measured, as
   * benchmarks/python/echo.py does for asyncio (whose reads need it: see warm_up there). fgbg does
   * not need it; it does it so that both sides start alike.
   */
  private static void warmUp(int port, SSLContext tls) throws Exception {
    runInForeground(
        () -> {
          Connection c =
              await(
                  tls == null
                      ? openConnection("127.0.0.1", port)
                      : openConnection("localhost", port, tls));
          c.writer().write(LINE);
          await(c.writer().drain());
          await(c.reader().readUntil(NEWLINE));
          c.writer().close();
          await(c.writer().waitClosed());
          return null;
        });
  }

  private static final byte[] LINE = Figures.echoLine();

  /** Every client does {@code n} round trips at once; returns the elapsed nanoseconds. */
  private static long round(List<Connection> connections, int n) throws Exception {
    byte[] line = LINE;
    List<Task<Void>> tasks = new ArrayList<>();
    for (Connection c : connections) {
      tasks.add(
          scheduleCoroutine(
              () -> {
                for (int i = 0; i < n; i++) {
                  c.writer().write(line);
                  await(c.writer().drain());
                  byte[] back = await(c.reader().readUntil(NEWLINE));
                  if (back.length != line.length) {
                    throw new IllegalStateException("echoed " + back.length + " bytes, not 64");
                  }
                }
                return null;
              }));
    }
    long start = System.nanoTime();
    runInForeground(gather(tasks));
    return System.nanoTime() - start;
  }

  private static int positive(String arg, String name) {
    return Figures.positive(arg, name, "EchoBenchmark", USAGE);
  }
}
