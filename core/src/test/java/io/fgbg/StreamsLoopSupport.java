package io.fgbg;

import static io.fgbg.Fgbg.allTasks;
import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.waitFor;
import static io.fgbg.Fgbg.waitTasks;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * A fresh loop on the real clock, bound to the test's thread and closed after each test (sockets
 * need real time: a virtual clock jumps over the waits for the network), and the peers and
 * helpers the stream tests share. A test that runs over every network ({@link OverEveryNetwork})
 * gets the loop of its {@link StreamsFactory} instead: on the virtual clock for a memory network.
 *
 * <p>Everything that could hang is bounded: {@link #foreground} runs a coroutine under {@code
 * waitFor} with a generous timeout, so a bug shows as a {@link
 * java.util.concurrent.TimeoutException}, not as a stuck build; blocking sockets get a read
 * timeout; and each test as a whole has a {@link Timeout} as the last resort.
 */
@Timeout(120)
abstract class StreamsLoopSupport {
  /** The longest any single step of a test may take before it counts as a hang. */
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  static final String LOCALHOST = "127.0.0.1";

  /** What the test runs over: set before the {@code @BeforeEach} methods run; TCP unless told. */
  StreamsFactory factory = StreamsFactory.TCP;

  EventLoop loop;

  @BeforeEach
  void bindAFreshLoop() {
    loop = factory.newLoop();
    EventLoop.setCurrent(loop);
  }

  /** Closes the loop; a test that left a task pending (a handler that never ended) fails. */
  @AfterEach
  void closeTheLoop() {
    Set<Task<?>> left = loop.isClosed() ? Set.of() : allTasks(loop);
    loop.close();
    EventLoop.setCurrent(null);
    assertThat(left).as("tasks the test left pending").isEmpty();
  }

  /** Runs {@code target} in the foreground, failing with TimeoutException if it hangs. */
  static <T> T foreground(Coroutine<T> target) throws Exception {
    return runInForeground(waitFor(target, TIMEOUT));
  }

  /** Runs {@code task} in the foreground, failing with TimeoutException if it hangs. */
  static <T> T foreground(Task<T> task) throws Exception {
    return runInForeground(waitFor(task, TIMEOUT));
  }

  /**
   * Runs the loop for {@code window} (or until every task is done) and returns the tasks still
   * pending: the way to show that something does not happen while the loop serves.
   */
  static Set<Task<?>> pendingAfter(Duration window, Task<?>... tasks) throws Exception {
    return runInForeground(waitTasks(List.of(tasks), window)).pending();
  }

  /** The echo server's handler: each line back, until the peer ends the stream. */
  static final ConnectionHandler ECHO_LINES =
      (reader, writer) -> {
        String line;
        while ((line = await(reader.readLine())) != null) {
          writer.write(line + "\n");
          await(writer.drain());
        }
      };

  /** An echo of bytes as they come, until the peer ends the stream. */
  static final ConnectionHandler ECHO_BYTES =
      (reader, writer) -> {
        byte[] chunk;
        while ((chunk = await(reader.read(64 * 1024))).length > 0) {
          writer.write(chunk);
          await(writer.drain());
        }
      };

  /** {@code n} bytes of a pattern that shows loss, duplication or reordering: (start+i) % 251. */
  static byte[] pattern(long start, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ((start + i) % 251);
    }
    return b;
  }

  /** The index of the first byte of {@code chunk} that breaks the pattern from {@code start}. */
  static int firstMismatch(long start, byte[] chunk, int length) {
    for (int i = 0; i < length; i++) {
      if (chunk[i] != (byte) ((start + i) % 251)) {
        return i;
      }
    }
    return -1;
  }

  static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }

  /** A plain listening socket on the loopback interface, as a peer that no loop serves. */
  static ServerSocket rawListener() throws IOException {
    return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  /** A plain blocking client socket on {@code port}, with a read timeout so it cannot hang. */
  static Socket blockingSocket(int port) throws IOException {
    Socket s = new Socket(LOCALHOST, port);
    s.setSoTimeout((int) TIMEOUT.toMillis());
    return s;
  }

  /** Accepts the connection a client already made (the kernel has completed it: no wait). */
  static Socket acceptMade(ServerSocket listener) throws IOException {
    listener.setSoTimeout((int) TIMEOUT.toMillis());
    Socket s = listener.accept();
    s.setSoTimeout((int) TIMEOUT.toMillis());
    return s;
  }

  static void send(Socket s, byte[] data) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(data);
    out.flush();
  }

  static void send(Socket s, String text) throws IOException {
    send(s, utf8(text));
  }

  /** Everything the peer sends until it ends the stream (blocking). */
  static byte[] readToEnd(Socket s) throws IOException {
    return s.getInputStream().readAllBytes();
  }

  /** Exactly {@code n} bytes, or fewer if the stream ends first (blocking). */
  static byte[] readBlocking(Socket s, int n) throws IOException {
    InputStream in = s.getInputStream();
    return in.readNBytes(n);
  }

  /** Closes {@code s} with a reset (RST) instead of an orderly end of stream (FIN). */
  static void reset(Socket s) throws IOException {
    s.setSoLinger(true, 0);
    s.close();
  }

  /** A port that nothing listens on: bound once, then released. */
  static int closedPort() throws IOException {
    try (ServerSocket s = rawListener()) {
      return s.getLocalPort();
    }
  }

  /** How many file descriptors this process has open now. */
  static long openFileDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The descriptors' targets, sorted, for a message that shows what leaked. */
  static List<String> openFileDescriptorTargets() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.map(
              p -> {
                try {
                  return p.getFileName() + " -> " + Files.readSymbolicLink(p);
                } catch (IOException e) {
                  return p.getFileName() + " -> ?";
                }
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String show(byte[] b) {
    return b.length <= 64 ? Arrays.toString(b) : b.length + " bytes";
  }
}
