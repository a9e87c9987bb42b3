package io.fgbg;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the reference programs of {@code asyncio-order/scenarios.py} under CPython and returns the
 * events they record. The reference is CPython 3.11 (the contract's): without a {@code python3}
 * of that version the calling test is skipped, with a message saying why.
 *
 * <p>One {@code python3 scenarios.py --all} per JVM runs every scenario (each under its own
 * {@code asyncio.run}, as the script's doc says) and its output is kept for all the tests.
 */
final class AsyncioReference {
  private static final String SCRIPT = "/asyncio-order/scenarios.py";
  private static final String REQUIRED_VERSION = "3.11";
  private static final long TIMEOUT_SECONDS = 30;

  private static String unavailable; // why python3 cannot serve as the reference, or null
  private static boolean probed;
  private static Path script;
  private static Map<String, Outcome> outcomes; // of --all, by scenario, in the script's order
  private static String allFailed; // why --all gave no outcomes, or null

  private AsyncioReference() {}

  /** The events of {@code scenario} as asyncio orders them; skips the test without python3 3.11. */
  static List<String> events(String scenario) {
    Outcome outcome = outcomes().get(scenario);
    if (outcome == null) {
      throw new AssertionError(SCRIPT + " has no scenario " + scenario);
    }
    if (outcome.failure() != null) {
      throw new AssertionError(
          "python3 " + SCRIPT + " could not run " + scenario + ":\n" + outcome.failure());
    }
    return outcome.events();
  }

  /** The scenario names the script defines, in its order (those that --all runs). */
  static List<String> scenarioNames() {
    return List.copyOf(outcomes().keySet());
  }

  /** What a scenario printed, or (failure not null) why it could not be run. */
  private record Outcome(List<String> events, String failure) {}

  private static synchronized Map<String, Outcome> outcomes() {
    assumeAvailable();
    if (outcomes == null && allFailed == null) {
      try {
        outcomes = runAll();
      } catch (AssertionError e) {
        allFailed = e.getMessage(); // every test says it, without running python3 again
      }
    }
    if (allFailed != null) {
      throw new AssertionError(allFailed);
    }
    return outcomes;
  }

  private static Map<String, Outcome> runAll() {
    Output out = run(scriptPath().toString(), "--all");
    if (out.exitCode != 0) {
      throw new AssertionError(
          "python3 " + SCRIPT + " --all exited with " + out.exitCode + ":\n" + out.stderr);
    }
    return parse(out.stdout);
  }

  /** Reads the blocks of --all: "scenario NAME N" or "failed NAME N", then N lines. */
  private static Map<String, Outcome> parse(String stdout) {
    Map<String, Outcome> parsed = new LinkedHashMap<>();
    Iterator<String> lines = stdout.lines().iterator();
    while (lines.hasNext()) {
      String header = lines.next();
      String[] words = header.split(" ");
      if (words.length != 3
          || !(words[0].equals("scenario") || words[0].equals("failed"))
          || !words[2].matches("[0-9]+")) {
        throw new AssertionError(
            "python3 " + SCRIPT + " --all printed \"" + header + "\" where a block should start");
      }
      String name = words[1];
      int count = Integer.parseInt(words[2]);
      List<String> body = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        if (!lines.hasNext()) {
          throw new AssertionError(
              "python3 " + SCRIPT + " --all ended inside the block of " + name);
        }
        body.add(lines.next());
      }
      Outcome outcome =
          words[0].equals("scenario")
              ? new Outcome(List.copyOf(body), null)
              : new Outcome(null, String.join("\n", body));
      if (parsed.put(name, outcome) != null) {
        throw new AssertionError("python3 " + SCRIPT + " --all ran " + name + " twice");
      }
    }
    return parsed;
  }

  private static synchronized void assumeAvailable() {
    if (!probed) {
      probed = true;
      try {
        Output out = run("-c", "import sys; print('%d.%d' % sys.version_info[:2])");
        String version = out.stdout.strip();
        if (out.exitCode != 0) {
          unavailable =
              "python3 exited with " + out.exitCode + " when asked its version"
                  + (out.stderr.isBlank() ? "" : ": " + out.stderr.strip());
        } else if (!version.equals(REQUIRED_VERSION)) {
          unavailable =
              "the asyncio reference is CPython " + REQUIRED_VERSION + " but python3 is " + version;
        }
      } catch (UncheckedIOException e) {
        unavailable = "python3 is not installed (" + e.getCause().getMessage() + ")";
      }
    }
    assumeTrue(
        unavailable == null,
        () -> "skipped: cannot compare with asyncio: " + unavailable);
  }

  /**
   * The lines a program of its own (a test resource, such as {@code /timers/x.py}) prints under
   * CPython; skips the test without python3 3.11, fails if the program fails.
   */
  static List<String> printedBy(String resource) {
    assumeAvailable();
    Output out = run(pathOf(resource).toString());
    if (out.exitCode != 0) {
      throw new AssertionError(
          "python3 " + resource + " exited with " + out.exitCode + ":\n" + out.stderr);
    }
    return out.stdout.lines().toList();
  }

  private static synchronized Path scriptPath() {
    if (script == null) {
      script = pathOf(SCRIPT);
    }
    return script;
  }

  /** A test resource as a file python3 can run. */
  private static Path pathOf(String resource) {
    URL url = AsyncioReference.class.getResource(resource);
    if (url == null) {
      throw new AssertionError(resource + " is not on the test class path");
    }
    try {
      if ("file".equals(url.getProtocol())) {
        return Path.of(url.toURI());
      }
      Path tmp = Files.createTempFile("asyncio-reference-", ".py");
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

  private record Output(int exitCode, String stdout, String stderr) {}

  /** Runs python3 with {@code args}; kills it after the timeout. */
  private static Output run(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "python3";
    System.arraycopy(args, 0, command, 1, args.length);
    Process process;
    try {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
      pb.environment().put("PYTHONIOENCODING", "utf-8");
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      process.getOutputStream().close();
      CompletableFuture<String> stdout = readAsync(process.getInputStream());
      CompletableFuture<String> stderr = readAsync(process.getErrorStream());
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            "python3 " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      return new Output(
          process.exitValue(),
          stdout.get(5, TimeUnit.SECONDS),
          stderr.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running python3", e);
    } catch (IOException | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      process.destroyForcibly();
      throw new AssertionError("could not read the output of python3", e);
    }
  }

  private static CompletableFuture<String> readAsync(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
