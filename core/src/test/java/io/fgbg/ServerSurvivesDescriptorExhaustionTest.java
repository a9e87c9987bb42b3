package io.fgbg;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A server whose process runs out of file descriptors keeps serving the connections it has, and
 * serves new ones once descriptors are free again, as asyncio's does: the failed accept is
 * reported, accepting pauses for a second and tries again; nothing becomes an internal error.
 *
 * <p>Thread regime: the test thread runs no loop. The server runs in a child JVM ({@link
 * DescriptorExhaustionChild}) under {@code ulimit -n 128}, so that exhausting its descriptors
 * harms neither the build nor the other tests; the test thread talks to it with blocking sockets,
 * and two platform threads read the child's output into queues. Every wait is bounded: a line
 * the child does not print within {@link #TIMEOUT} fails the test with all it printed.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(180)
class ServerSurvivesDescriptorExhaustionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int CHILD_DESCRIPTORS = 128;

  private Child child;
  private final List<Socket> clients = new ArrayList<>();

  @AfterEach
  void endTheChildAndTheClients() throws IOException {
    for (Socket s : clients) {
      s.close();
    }
    if (child != null) {
      child.process.destroyForcibly();
    }
  }

  @Test
  void clientsThatTakeEveryDescriptorAreServedOnceTheyLeaveAndANewClientIsEchoed()
      throws Exception {
    child = Child.start("serve");
    int port = Integer.parseInt(child.awaitOut(l -> l.startsWith("listening ")).substring(10));

    // more clients than the child has descriptors: the kernel completes them all (backlog 1024)
    for (int i = 0; i < CHILD_DESCRIPTORS + 64; i++) {
      clients.add(client(port));
    }
    String report = "Error accepting a connection on /127.0.0.1:" + port;
    child.awaitErr(l -> l.equals("SEVERE: " + report)); // the default handler, through the logger
    assertThat(child.awaitErr(l -> true)).isEqualTo("java.io.IOException: Too many open files");

    // while out of descriptors, a connection accepted before goes on being served
    assertThat(echo(clients.get(0), "still served")).isEqualTo("still served");

    for (Socket s : clients) {
      s.close();
    }
    clients.clear();
    try (Socket late = client(port)) {
      assertThat(echo(late, "served again")).isEqualTo("served again");
    }

    child.process.getOutputStream().close(); // the end of stdin: the child closes its server
    assertThat(child.awaitOut(l -> true)).isEqualTo("closed");
    assertThat(child.process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(child.process.exitValue()).as(child.printed()).isZero();
    assertThat(child.err).as("what the child reported").noneMatch(Child::isLoopBreakage);
  }

  @Test
  void aLoopThatFirstWaitsWhenNoDescriptorIsLeftWaitsFailsOnlyTheConnectAndEchoesAfterwards()
      throws Exception {
    child = Child.start("fill");
    assertThat(child.awaitOut(l -> true)).isEqualTo("filled: /dev/null: Too many open files");
    assertThat(child.awaitOut(l -> true)).as("a timed wait on a task's thread").isEqualTo("slept");
    assertThat(child.awaitOut(l -> true))
        .isEqualTo("connect failed: java.net.SocketException: Too many open files");
    assertThat(child.awaitOut(l -> true)).isEqualTo("echoed: hello");
    assertThat(child.awaitOut(l -> true)).isEqualTo("closed");
    assertThat(child.process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(child.process.exitValue()).as(child.printed()).isZero();
    assertThat(child.err).as("what the child reported").noneMatch(Child::isLoopBreakage);
  }

  private static Socket client(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
    s.setSoTimeout((int) TIMEOUT.toMillis());
    return s;
  }

  /** Sends one line and reads the line that comes back (blocking, with the read timeout). */
  private static String echo(Socket s, String line) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write((line + "\n").getBytes(UTF_8));
    out.flush();
    InputStream in = s.getInputStream();
    StringBuilder reply = new StringBuilder();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      reply.append((char) b);
    }
    return reply.toString();
  }

  /** The child JVM, its stdout and stderr read line by line as they come. */
  private static final class Child {
    private static final String END = "\u0000end of stream";

    final Process process;
    final LinkedBlockingQueue<String> outLines = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<String> errLines = new LinkedBlockingQueue<>();
    final List<String> out = new CopyOnWriteArrayList<>();
    final List<String> err = new CopyOnWriteArrayList<>();

    private Child(Process process) {
      this.process = process;
      pump(process.getInputStream(), outLines, out, "child stdout");
      pump(process.getErrorStream(), errLines, err, "child stderr");
    }

    static Child start(String mode) throws IOException, URISyntaxException {
      String classPath =
          codeSource(Fgbg.class) + File.pathSeparator + codeSource(Child.class);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb =
          new ProcessBuilder(
              "sh",
              "-c",
              "ulimit -n " + CHILD_DESCRIPTORS + " && exec \"$0\" \"$@\"",
              java,
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-Xmx64m",
              "-cp",
              classPath,
              DescriptorExhaustionChild.class.getName(),
              mode);
      return new Child(pb.start());
    }

    private static String codeSource(Class<?> c) throws URISyntaxException {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static void pump(
        InputStream stream, LinkedBlockingQueue<String> lines, List<String> seen, String name) {
      Thread.ofPlatform()
          .daemon()
          .name(name)
          .start(
              () -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    seen.add(line);
                    lines.add(line);
                  }
                } catch (IOException e) {
                  lines.add("(" + name + " failed: " + e + ")");
                } finally {
                  lines.add(END);
                }
              });
    }

    String awaitOut(Predicate<String> wanted) throws InterruptedException {
      return await(outLines, wanted, "stdout");
    }

    String awaitErr(Predicate<String> wanted) throws InterruptedException {
      return await(errLines, wanted, "stderr");
    }

    /** The next line of {@code lines} that {@code wanted} accepts; fails at the end or timeout. */
    private String await(LinkedBlockingQueue<String> lines, Predicate<String> wanted, String what)
        throws InterruptedException {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      for (; ; ) {
        String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null || line.equals(END)) {
          throw new AssertionError(
              "the child's " + what + (line == null ? " timed out" : " ended") + "; " + printed());
        }
        if (wanted.test(line)) {
          return line;
        }
      }
    }

    String printed() {
      return "stdout: " + out + "\nstderr:\n" + String.join("\n", err);
    }

    /** A line that shows the loop itself broke, rather than reporting a failure and going on. */
    static boolean isLoopBreakage(String line) {
      return line.contains("Internal error")
          || line.contains("Exception in callback")
          || line.startsWith("Exception in thread")
          || (line.contains("Error") && !line.startsWith("SEVERE: Error accepting a connection on "));
    }
  }
}
