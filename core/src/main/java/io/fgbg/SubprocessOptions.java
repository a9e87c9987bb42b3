package io.fgbg;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link Fgbg#createSubprocessExec(List, SubprocessOptions)} and {@link
 * Fgbg#createSubprocessShell(String, SubprocessOptions)} start a child: where its standard
 * streams go, its working directory, its environment, and the limit of the readers of its pipes;
 * asyncio's {@code stdin=}, {@code stdout=}, {@code stderr=}, {@code cwd=}, {@code env=} and
 * {@code limit=} arguments.
 *
 * <pre>{@code
 * var options = SubprocessOptions.pipes().stderr(Redirect.DISCARD).directory(Path.of("/tmp"));
 * Subprocess grep = await(createSubprocessExec(List.of("grep", "-c", "x"), options));
 * }</pre>
 *
 * <p>Each stream is one of {@link Redirect#PIPE} (the {@link Subprocess} gets a {@link
 * StreamWriter} or {@link StreamReader} for it, read and written through the loop like a socket),
 * {@link Redirect#INHERIT} (the JVM's own stream: asyncio's {@code None}), {@link
 * Redirect#DISCARD} (asyncio's {@code DEVNULL}; for stdin, {@code /dev/null}), or a file: {@link
 * Redirect#from(File)} for stdin, {@link Redirect#to(File)} or {@link Redirect#appendTo(File)} for
 * stdout and stderr. {@link #stderrToStdout()} is asyncio's {@code stderr=STDOUT}.
 *
 * <p>Immutable: each method returns new options and leaves these as they were, so one value may be
 * kept in a constant and shared by any threads.
 */
public final class SubprocessOptions {
  private static final File NULL_FILE =
      new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");

  private static final SubprocessOptions DEFAULTS =
      new SubprocessOptions(
          Redirect.INHERIT, Redirect.INHERIT, Redirect.INHERIT, false, null, null,
          Streams.DEFAULT_LIMIT);

  private static final SubprocessOptions PIPES =
      new SubprocessOptions(
          Redirect.PIPE, Redirect.PIPE, Redirect.PIPE, false, null, null, Streams.DEFAULT_LIMIT);

  final Redirect stdin;
  final Redirect stdout;
  final Redirect stderr;
  final boolean stderrToStdout;
  /** The working directory, or null for the JVM's. */
  final Path directory;
  /** The whole environment, unmodifiable, or null for a copy of the JVM's. */
  final Map<String, String> environment;
  /** The limit of the readers of the child's pipes. */
  final int limit;

  private SubprocessOptions(
      Redirect stdin,
      Redirect stdout,
      Redirect stderr,
      boolean stderrToStdout,
      Path directory,
      Map<String, String> environment,
      int limit) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.stderrToStdout = stderrToStdout;
    this.directory = directory;
    this.environment = environment;
    this.limit = limit;
  }

  /**
   * The options of the one-argument forms, as asyncio's defaults: stdin, stdout and stderr all
   * {@link Redirect#INHERIT} (the child shares the JVM's), the JVM's working directory and
   * environment, readers' limit 64 KiB.
   *
   * @return the default options
   */
  public static SubprocessOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Options with stdin, stdout and stderr all {@link Redirect#PIPE}: the child's streams are the
   * {@link Subprocess}'s {@link Subprocess#stdin()}, {@link Subprocess#stdout()} and {@link
   * Subprocess#stderr()}; otherwise as {@link #defaults()}.
   *
   * @return options with three pipes
   */
  public static SubprocessOptions pipes() {
    return PIPES;
  }

  /**
   * These options with the child's working directory.
   *
   * @param dir the directory; null for the JVM's working directory
   * @return the new options
   * @throws IllegalArgumentException if {@code dir} is not on the default file system
   */
  public SubprocessOptions directory(Path dir) {
    if (dir != null && dir.getFileSystem() != FileSystems.getDefault()) {
      throw new IllegalArgumentException(
          "a child's directory must be on the default file system: " + dir);
    }
    return new SubprocessOptions(stdin, stdout, stderr, stderrToStdout, dir, environment, limit);
  }

  /**
   * These options with the child's whole environment: the child sees exactly these variables,
   * none of the JVM's others (asyncio's {@code env=}). The map is copied.
   *
   * @param env the variables and their values; null for a copy of the JVM's environment
   * @return the new options
   * @throws NullPointerException if {@code env} holds a null name or value
   */
  public SubprocessOptions environment(Map<String, String> env) {
    Map<String, String> copy = null;
    if (env != null) {
      copy = new LinkedHashMap<>();
      for (Map.Entry<String, String> variable : env.entrySet()) {
        String name = Objects.requireNonNull(variable.getKey(), "env contains a null name");
        String value =
            Objects.requireNonNull(variable.getValue(), "env contains a null value for " + name);
        copy.put(name, value);
      }
      copy = Collections.unmodifiableMap(copy);
    }
    return new SubprocessOptions(stdin, stdout, stderr, stderrToStdout, directory, copy, limit);
  }

  /**
   * These options with the child's standard input taken from {@code r}.
   *
   * @param r {@link Redirect#PIPE}, {@link Redirect#INHERIT}, {@link Redirect#DISCARD} (the child
   *     reads {@code /dev/null}) or {@link Redirect#from(File)}
   * @return the new options
   * @throws NullPointerException if {@code r} is null
   * @throws IllegalArgumentException if {@code r} writes to a file ({@code to}, {@code appendTo})
   */
  public SubprocessOptions stdin(Redirect r) {
    Objects.requireNonNull(r, "r");
    if (r != Redirect.DISCARD
        && (r.type() == Redirect.Type.WRITE || r.type() == Redirect.Type.APPEND)) {
      throw new IllegalArgumentException(
          "stdin cannot be redirected to a file (" + r + "): use Redirect.from(file)");
    }
    return new SubprocessOptions(r, stdout, stderr, stderrToStdout, directory, environment, limit);
  }

  /**
   * These options with the child's standard output sent to {@code r}.
   *
   * @param r {@link Redirect#PIPE}, {@link Redirect#INHERIT}, {@link Redirect#DISCARD}, {@link
   *     Redirect#to(File)} or {@link Redirect#appendTo(File)}
   * @return the new options
   * @throws NullPointerException if {@code r} is null
   * @throws IllegalArgumentException if {@code r} reads a file ({@code from})
   */
  public SubprocessOptions stdout(Redirect r) {
    checkOutput(r, "stdout");
    return new SubprocessOptions(stdin, r, stderr, stderrToStdout, directory, environment, limit);
  }

  /**
   * These options with the child's standard error sent to {@code r}; undoes {@link
   * #stderrToStdout()}.
   *
   * @param r {@link Redirect#PIPE}, {@link Redirect#INHERIT}, {@link Redirect#DISCARD}, {@link
   *     Redirect#to(File)} or {@link Redirect#appendTo(File)}
   * @return the new options
   * @throws NullPointerException if {@code r} is null
   * @throws IllegalArgumentException if {@code r} reads a file ({@code from})
   */
  public SubprocessOptions stderr(Redirect r) {
    checkOutput(r, "stderr");
    return new SubprocessOptions(stdin, stdout, r, false, directory, environment, limit);
  }

  /**
   * These options with the child's standard error sent wherever its standard output goes
   * (asyncio's {@code stderr=STDOUT}): into the stdout pipe, if stdout is one; {@link
   * Subprocess#stderr()} is then null.
   *
   * @return the new options
   */
  public SubprocessOptions stderrToStdout() {
    return new SubprocessOptions(stdin, stdout, stderr, true, directory, environment, limit);
  }

  /**
   * These options with the limit of the readers of the child's stdout and stderr pipes (asyncio's
   * {@code limit=}): the longest line or separator search they accept; each pipe stops being read
   * while more than twice the limit waits in its reader.
   *
   * @param bytes the limit in bytes (64 KiB by default)
   * @return the new options
   * @throws IllegalArgumentException if {@code bytes} is not positive
   */
  public SubprocessOptions limit(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + bytes);
    }
    return new SubprocessOptions(
        stdin, stdout, stderr, stderrToStdout, directory, environment, bytes);
  }

  private static void checkOutput(Redirect r, String stream) {
    Objects.requireNonNull(r, "r");
    if (r.type() == Redirect.Type.READ) {
      throw new IllegalArgumentException(
          stream + " cannot be redirected from a file (" + r + "): use Redirect.to(file)");
    }
  }

  // ---- for Subprocesses

  boolean pipesStdin() {
    return stdin.type() == Redirect.Type.PIPE;
  }

  boolean pipesStdout() {
    return stdout.type() == Redirect.Type.PIPE;
  }

  boolean pipesStderr() {
    return !stderrToStdout && stderr.type() == Redirect.Type.PIPE;
  }

  /** A process builder for {@code command} with these options. */
  ProcessBuilder builder(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectInput(stdin == Redirect.DISCARD ? Redirect.from(NULL_FILE) : stdin);
    builder.redirectOutput(stdout);
    if (stderrToStdout) {
      builder.redirectErrorStream(true);
    } else {
      builder.redirectError(stderr);
    }
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    if (environment != null) {
      Map<String, String> env = builder.environment();
      env.clear();
      env.putAll(environment);
    }
    return builder;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SubprocessOptions o
        && stdin.equals(o.stdin)
        && stdout.equals(o.stdout)
        && stderr.equals(o.stderr)
        && stderrToStdout == o.stderrToStdout
        && Objects.equals(directory, o.directory)
        && Objects.equals(environment, o.environment)
        && limit == o.limit;
  }

  @Override
  public int hashCode() {
    return Objects.hash(stdin, stdout, stderr, stderrToStdout, directory, environment, limit);
  }

  /** "SubprocessOptions[stdin=PIPE, stdout=PIPE, stderr=STDOUT, directory=/tmp]". */
  @Override
  public String toString() {
    return "SubprocessOptions[stdin=" + show(stdin) + ", stdout=" + show(stdout) + ", stderr="
        + (stderrToStdout ? "STDOUT" : show(stderr))
        + (directory != null ? ", directory=" + directory : "")
        + (environment != null ? ", environment of " + environment.size() + " variables" : "")
        + (limit != Streams.DEFAULT_LIMIT ? ", limit=" + limit : "")
        + "]";
  }

  private static String show(Redirect r) {
    return r == Redirect.DISCARD ? "DISCARD" : r.toString();
  }
}
