package io.fgbg.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.fgbg.EventLoop;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.SnippetEvent;

/**
 * A JShell session as the fgbg shell runs it (remote agent, fgbg on the class path, the shell's
 * imports), with everything the snippets and their threads print kept in a transcript that a test
 * can wait on.
 */
final class JShellSession implements AutoCloseable {
  final JShell shell;
  private final Transcript transcript = new Transcript();

  JShellSession() throws URISyntaxException {
    PrintStream out = new PrintStream(transcript, true, StandardCharsets.UTF_8);
    shell = JShell.builder().out(out).err(out).build();
    shell.addToClasspath(libraryClasses());
    for (String line : Shell.STARTUP.strip().split("\n")) {
      eval(line);
    }
  }

  private static String libraryClasses() throws URISyntaxException {
    return Path.of(EventLoop.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
  }

  /** Evaluates one snippet; returns its value, failing on a rejected snippet or an exception. */
  String eval(String snippet) {
    List<SnippetEvent> events = shell.eval(snippet);
    SnippetEvent last = events.get(events.size() - 1);
    assertThat(last.exception()).as(snippet).isNull();
    assertThat(last.status().isDefined()).as("%s: %s", snippet, last.status()).isTrue();
    return last.value();
  }

  /** Evaluates {@code snippet} until it gives {@code expected}, for 10 s at most. */
  String evalUntil(String snippet, String expected) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    String value = eval(snippet);
    while (!expected.equals(value) && System.nanoTime() < end) {
      transcript.awaitMore(20);
      value = eval(snippet);
    }
    return value;
  }

  /** All that the session printed so far. */
  String output() {
    return transcript.text();
  }

  /** Waits until the session has printed {@code text}, for 10 s at most; true if it did. */
  boolean awaitOutput(String text) throws InterruptedException {
    return transcript.await(text, 10_000);
  }

  @Override
  public void close() {
    shell.close();
  }

  /** What the session printed, as it arrives; waited on with the monitor, not with sleeps. */
  private static final class Transcript extends OutputStream {
    private final StringBuilder bytes = new StringBuilder();
    private byte[] pending = new byte[0];

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      byte[] all = new byte[pending.length + len];
      System.arraycopy(pending, 0, all, 0, pending.length);
      System.arraycopy(b, off, all, pending.length, len);
      int complete = completeUtf8(all);
      bytes.append(new String(all, 0, complete, StandardCharsets.UTF_8));
      pending = java.util.Arrays.copyOfRange(all, complete, all.length);
      notifyAll();
    }

    /** How many leading bytes of {@code b} end on a whole UTF-8 character. */
    private static int completeUtf8(byte[] b) {
      int end = b.length;
      for (int back = 1; back <= Math.min(3, b.length); back++) {
        int c = b[b.length - back] & 0xff;
        if (c >= 0xc0) { // a lead byte: is its sequence complete?
          int need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
          return back >= need ? end : b.length - back;
        }
        if (c < 0x80) {
          return end;
        }
      }
      return end;
    }

    synchronized String text() {
      return bytes.toString();
    }

    synchronized boolean await(String text, long millis) throws InterruptedException {
      long end = System.nanoTime() + millis * 1_000_000;
      while (bytes.indexOf(text) < 0) {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        wait(left);
      }
      return true;
    }

    synchronized void awaitMore(long millis) throws InterruptedException {
      wait(millis);
    }
  }
}
