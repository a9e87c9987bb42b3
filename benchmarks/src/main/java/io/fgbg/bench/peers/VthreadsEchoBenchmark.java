package io.fgbg.bench.peers;

import io.fgbg.bench.Figures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * W3 of {@code bin/bench-compare} on plain JDK virtual threads, without fgbg: TCP echo with a
 * thread per connection and blocking sockets, the way the JDK invites a user to write it since
 * virtual threads. An echo server in the same process, a virtual thread accepting and a virtual
 * thread per connection reading what came and writing it back, and {@code clients} clients, a
 * virtual thread each, each writing a 64-byte line and reading until the whole line is back,
 * {@code n} times a round. The same steps in the same order as {@link
 * io.fgbg.bench.EchoBenchmark}: one connection does a round trip and is closed (and its handler
 * has seen the end of stream) before anything is measured, then the clients connect, then warm-up
 * rounds and measured rounds, each timed from starting the clients' threads to all of them having
 * done their round trips. fgbg's server reads up to the newline before it writes; with one line in
 * flight per connection, what a blocking read returns is that line (or the start of it), so the
 * same bytes cross the sockets.
 *
 * <p>Same arguments and output as {@code EchoBenchmark} without {@code --tls}: the median of the
 * measured rounds in round trips per second, then every round as a comment:
 *
 * <pre>
 * vthreads 51234.5
 * # clients 50, round trips each 2000, warm-up rounds 2, measured rounds 5
 * # vthreads rounds 50111.2 51234.5 52010.9
 * </pre>
 *
 * <p>By hand: {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/peers.classpath)
 * io.fgbg.bench.peers.VthreadsEchoBenchmark [clients [n [warmup [rounds]]]]} (defaults 50 2000
 * 2 5). Each connection's server side is read and written by its handler thread alone, each
 * client socket by the client thread of the round alone (the main thread opens and closes them
 * outside the rounds); the accepting thread hands the handler threads to the main thread through
 * a queue.
 */
public final class VthreadsEchoBenchmark {
  private VthreadsEchoBenchmark() {}

  private static final String USAGE =
      "VthreadsEchoBenchmark [clients [n [warmup [rounds]]]]  (defaults 50 2000 2 5)";
  private static final byte[] LINE = Figures.echoLine();

  /**
   * Runs the benchmark. Blocks the calling thread until every round has run.
   *
   * @param args {@code [clients [n [warmup [rounds]]]]}
   * @throws Exception if a socket fails, a line comes back short, or the main thread is interrupted
   */
  public static void main(String[] args) throws Exception {
    int[] values =
        Figures.positives(
            args, "VthreadsEchoBenchmark", USAGE, new String[] {"clients", "n", "warmup", "rounds"},
            50, 2000, 2, 5);
    int clients = values[0];
    int n = values[1];
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    ServerSocket server = new ServerSocket(0, 128, loopback);
    BlockingQueue<Thread> handlers = new LinkedBlockingQueue<>();
    Thread acceptor = Thread.ofVirtual().start(() -> accept(server, handlers));

    warmUp(loopback, server.getLocalPort(), handlers);
    List<Socket> connections = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      connections.add(new Socket(loopback, server.getLocalPort()));
    }
    double[] perSecond =
        Figures.measure(
            values[2], values[3], () -> (double) clients * n / (round(connections, n) / 1e9));
    for (Socket c : connections) {
      c.close();
    }
    server.close();
    acceptor.join();
    for (Thread handler : handlers) {
      handler.join(); // each ends at its client's end of stream
    }

    System.out.println("vthreads " + Figures.format(Figures.median(perSecond)));
    System.out.println(
        "# clients " + clients + ", round trips each " + n + ", warm-up rounds " + values[2]
            + ", measured rounds " + values[3]);
    System.out.println("# vthreads rounds " + Figures.formatAll(perSecond));
  }

  /** The accepting thread: a handler thread per connection, until the server socket is closed. */
  private static void accept(ServerSocket server, BlockingQueue<Thread> handlers) {
    for (; ; ) {
      Socket connection;
      try {
        connection = server.accept();
      } catch (IOException closed) {
        return; // the main thread closed the server socket: the run is over
      }
      handlers.add(Thread.ofVirtual().start(() -> echo(connection)));
    }
  }

  /** One connection's handler: writes back what it reads, until end of stream. */
  private static void echo(Socket connection) {
    byte[] buffer = new byte[16 * 1024];
    try (connection) {
      InputStream in = connection.getInputStream();
      OutputStream out = connection.getOutputStream();
      for (int read; (read = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, read);
      }
    } catch (IOException reset) {
      // a client that resets: nothing more to echo
    }
  }

  /**
   * One connection that does a round trip and is closed before anything is measured, and the
   * wait for its handler to have read the end of stream, as {@code EchoBenchmark} and {@code
   * echo.py} do.
   */
  private static void warmUp(InetAddress host, int port, BlockingQueue<Thread> handlers)
      throws Exception {
    try (Socket c = new Socket(host, port)) {
      c.getOutputStream().write(LINE);
      readLine(c.getInputStream(), new byte[LINE.length]);
    }
    handlers.take().join();
  }

  /** Every client does {@code n} round trips at once, a virtual thread each; elapsed nanoseconds. */
  private static long round(List<Socket> connections, int n) throws Exception {
    List<FutureTask<Void>> calls = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (Socket c : connections) {
      FutureTask<Void> client =
          new FutureTask<>(
              () -> {
                InputStream in = c.getInputStream();
                OutputStream out = c.getOutputStream();
                byte[] back = new byte[LINE.length];
                for (int i = 0; i < n; i++) {
                  out.write(LINE);
                  readLine(in, back);
                }
                return null;
              });
      calls.add(client);
      threads.add(Thread.ofVirtual().unstarted(client));
    }
    long start = System.nanoTime();
    for (Thread t : threads) {
      t.start();
    }
    for (FutureTask<Void> client : calls) {
      client.get();
    }
    return System.nanoTime() - start;
  }

  /** Reads the 64-byte line's echo into {@code back}, waiting until all of it has come. */
  private static void readLine(InputStream in, byte[] back) throws IOException {
    int read = in.readNBytes(back, 0, back.length);
    if (read != back.length || back[back.length - 1] != '\n') {
      throw new IllegalStateException("echoed " + read + " bytes, not a 64-byte line");
    }
  }
}
