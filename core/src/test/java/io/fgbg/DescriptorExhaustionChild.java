package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.openConnection;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.startServer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The program that {@link ServerSurvivesDescriptorExhaustionTest} runs in a child JVM under a low
 * {@code ulimit -n}: an echo server whose process runs out of file descriptors, in one of two ways.
 *
 * <p>Thread regime: the main thread runs the child's only loop in the foreground; a background
 * call waits for the end of stdin. Everything the program needs after its descriptors run out is
 * loaded before (a class read from a directory takes a descriptor).
 *
 * <ul>
 *   <li>{@code serve}: prints "listening PORT", serves lines back until stdin ends (the parent's
 *       clients take the descriptors), then closes the server and prints "closed".
 *   <li>{@code fill}: starts the server, then takes every free descriptor itself before the loop
 *       has ever waited on a task's thread; then waits on a timer (a timed select on a task's
 *       virtual thread), tries a connection that cannot be made, frees the descriptors, and echoes
 *       one line through the server. Prints one line per step.
 * </ul>
 */
final class DescriptorExhaustionChild {
  /** The echo server's handler: each line back, until the peer ends the stream. */
  private static final ConnectionHandler ECHO_LINES =
      (reader, writer) -> {
        String line;
        while ((line = await(reader.readLine())) != null) {
          writer.write(line + "\n");
          await(writer.drain());
        }
      };

  private DescriptorExhaustionChild() {}

  public static void main(String[] args) throws Exception {
    EventLoop loop = EventLoop.current();
    Server server = runInForeground(startServer(ECHO_LINES, "127.0.0.1", 0));
    switch (args[0]) {
      case "serve" -> serveUntilStdinEnds(server);
      case "fill" -> fillThenServe(server);
      default -> throw new IllegalArgumentException("mode: serve or fill, not " + args[0]);
    }
    loop.close();
    System.out.println("closed");
  }

  private static void serveUntilStdinEnds(Server server) throws Exception {
    System.out.println("listening " + server.port());
    Task<Integer> stdinEnd = callInBackground(() -> System.in.read());
    runInForeground(
        () -> {
          await(stdinEnd);
          server.close();
          return null;
        });
  }

  private static void fillThenServe(Server server) throws Exception {
    Coroutine<String> echoOnce =
        () -> {
          Connection c = await(openConnection("127.0.0.1", server.port()));
          c.writer().write("hello\n");
          String reply = await(c.reader().readLine());
          c.writer().close();
          return reply;
        };
    List<FileChannel> filler = new ArrayList<>();
    String full = fill(filler);
    System.out.println("filled: " + full);
    runInForeground(sleep(Duration.ofMillis(20)));
    System.out.println("slept");
    try {
      runInForeground(openConnection("127.0.0.1", server.port()));
      System.out.println("connected, with no descriptor left?");
    } catch (IOException e) {
      System.out.println("connect failed: " + e);
    }
    for (FileChannel f : filler) {
      f.close();
    }
    System.out.println("echoed: " + runInForeground(echoOnce));
    server.close();
  }

  /** Opens /dev/null until the process may open no more; returns the failure's message. */
  private static String fill(List<FileChannel> filler) {
    Path devNull = Path.of("/dev/null");
    for (; ; ) {
      try {
        filler.add(FileChannel.open(devNull));
      } catch (IOException e) {
        return e.getMessage();
      }
    }
  }
}
