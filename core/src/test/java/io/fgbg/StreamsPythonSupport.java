package io.fgbg;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A CPython peer for the stream tests: one of the scripts under {@code streams/} run with {@code
 * python3}, its stdout read line by line as it comes and its stderr kept for failure messages.
 * Tests that need it are skipped, saying why, when {@code python3} is not installed.
 *
 * <p>Nothing here waits without a bound: a script that does not answer fails the test with what it
 * printed, and {@link #close()} kills it if it is still running.
 */
final class StreamsPythonSupport implements AutoCloseable {
  private static final String END = "\u0000end of stdout";
  private static Boolean available;

  private final String script;
  private final Process process;
  private final LinkedBlockingQueue<String> stdoutLines = new LinkedBlockingQueue<>();
  private final List<String> stdoutSeen = new ArrayList<>();
  private final CompletableFuture<String> stderr = new CompletableFuture<>();

  private StreamsPythonSupport(String script, Process process) {
    this.script = script;
    this.process = process;
    Thread.ofPlatform()
        .daemon()
        .name("python stdout")
        .start(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  stdoutLines.add(line);
                }
              } catch (IOException e) {
                stdoutLines.add("(stdout failed: " + e + ")");
              } finally {
                stdoutLines.add(END);
              }
            });
    Thread.ofPlatform()
        .daemon()
        .name("python stderr")
        .start(
            () -> {
              try (InputStream err = process.getErrorStream()) {
                stderr.complete(new String(err.readAllBytes(), UTF_8));
              } catch (IOException e) {
                stderr.complete("(stderr failed: " + e + ")");
              }
            });
  }

  /** Skips the calling test, with a message, unless a {@code python3} can be run. */
  static synchronized void assumePython3() {
    if (available == null) {
      try {
        Process p = new ProcessBuilder("python3", "-c", "import asyncio").start();
        p.getOutputStream().close();
        available = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        p.destroyForcibly();
        p.getInputStream().close();
        p.getErrorStream().close();
      } catch (IOException e) {
        available = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        available = false;
      }
    }
    assumeTrue(
        available,
        "skipped: python3 (with asyncio) is not installed, so there is no CPython peer to talk to");
  }

  /** Starts {@code python3 streams/<script> args...}; skips the test without python3. */
  static StreamsPythonSupport start(String script, String... args) {
    assumePython3();
    List<String> command = new ArrayList<>();
    command.add("python3");
    command.add(scriptPath(script).toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    pb.environment().put("PYTHONIOENCODING", "utf-8");
    try {
      Process process = pb.start();
      process.getOutputStream().close();
      return new StreamsPythonSupport(script, process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path scriptPath(String script) {
    String resource = "/streams/" + script;
    URL url = StreamsPythonSupport.class.getResource(resource);
    if (url == null) {
      throw new AssertionError(resource + " is not on the test class path");
    }
    try {
      if ("file".equals(url.getProtocol())) {
        return Path.of(url.toURI());
      }
      Path tmp = Files.createTempFile("streams-", ".py");
      tmp.toFile().deleteOnExit();
      try (InputStream in = url.openStream()) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** The next line the script prints; fails (with its output) if none comes in time or it ends. */
  String nextLine() throws InterruptedException {
    String line = stdoutLines.poll(StreamsLoopSupport.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (line == null || line.equals(END)) {
      throw new AssertionError(
          script
              + (line == null ? " printed no line in time" : " ended before printing a line")
              + describe());
    }
    stdoutSeen.add(line);
    return line;
  }

  /**
   * Waits for the script to exit (blocking: call it through {@code callInBackground} while a
   * loop must serve the script) and returns its exit status; kills it if it takes too long.
   */
  int waitForExit() throws InterruptedException {
    if (!process.waitFor(StreamsLoopSupport.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(script + " did not exit in time" + describe());
    }
    return process.exitValue();
  }

  /** Every line printed on stdout (after exit, all of them). */
  List<String> stdout() throws InterruptedException {
    List<String> lines = new ArrayList<>(stdoutSeen);
    String line;
    while ((line = stdoutLines.poll(5, TimeUnit.SECONDS)) != null && !line.equals(END)) {
      lines.add(line);
      stdoutSeen.add(line);
    }
    return lines;
  }

  /** What the script printed on stderr so far (complete once it has exited). */
  String stderr() {
    try {
      return stderr.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return "(stderr not available yet)";
    }
  }

  /** For failure messages: the script's output. */
  String describe() {
    List<String> out = new ArrayList<>(stdoutSeen);
    stdoutLines.forEach(l -> out.add(l.equals(END) ? "(end)" : l));
    return "\nstdout:\n" + String.join("\n", out) + "\nstderr:\n" + stderr.getNow("(still running)");
  }

  @Override
  public void close() throws IOException {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    process.getInputStream().close();
    process.getErrorStream().close();
  }
}
