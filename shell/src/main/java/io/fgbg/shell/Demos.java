package io.fgbg.shell;

import static io.fgbg.Fgbg.allTasks;
import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.createSubprocessExec;
import static io.fgbg.Fgbg.createSubprocessShell;
import static io.fgbg.Fgbg.job;
import static io.fgbg.Fgbg.jobs;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.openConnection;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.startServer;
import static io.fgbg.Fgbg.waitTasks;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;

import io.fgbg.AsyncQueue;
import io.fgbg.Connection;
import io.fgbg.ConnectionHandler;
import io.fgbg.Coroutine;
import io.fgbg.QueueShutDownException;
import io.fgbg.EventLoop;
import io.fgbg.Server;
import io.fgbg.Subprocess;
import io.fgbg.SubprocessOptions;
import io.fgbg.Task;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Replays the sessions of the original proposal as narrated scripts: each command is shown as a
 * user would type it at the prompt, then run, so that what it prints appears under it.
 *
 * <p>Run it with {@code bin/fgbg demo [tickers|threads|echo|pipeline|jobs|all]}. Job notices ({@code [1]-  Cancelled
 * Task-1}) are printed by fgbg itself, on standard error, when a foreground run returns, as they
 * would be at the shell's prompt.
 */
public final class Demos {
  private static final PrintStream out = System.out;

  /** One narrated session. */
  @FunctionalInterface
  interface Demo {
    void run() throws Exception;
  }

  /** The demos by name, in the order {@code all} runs them. */
  static final Map<String, Demo> DEMOS = new LinkedHashMap<>();

  static {
    DEMOS.put("tickers", Demos::tickers);
    DEMOS.put("threads", Demos::threads);
    DEMOS.put("echo", Demos::echo);
    DEMOS.put("pipeline", Demos::pipeline);
    DEMOS.put("jobs", Demos::childJobs);
  }

  private Demos() {}

  /**
   * Runs the demo named on the command line ({@code tickers}, {@code threads}, ...), or all of them
   * ({@code all}, the default), one after another on the main thread's loop.
   *
   * @param args the demo name
   * @throws Exception if a demo fails
   */
  public static void main(String[] args) throws Exception {
    String which = args.length == 0 ? "all" : args[0].toLowerCase(Locale.ROOT);
    Demo demo = DEMOS.get(which);
    if (demo == null && !which.equals("all")) {
      System.err.println(
          "unknown demo: " + which + " (try: " + String.join(", ", DEMOS.keySet()) + ", all)");
      System.exit(2);
    }
    for (Demo each : demo != null ? List.of(demo) : DEMOS.values()) {
      each.run();
    }
    EventLoop.current().close();
  }

  /** A ticker coroutine: prints a count once a second, forever. */
  static Coroutine<Void> ticker() {
    return () -> {
      for (int i = 0; ; i++) {
        out.println(i);
        await(sleep(ofSeconds(1)));
      }
    };
  }

  /** The proposal's first session: tickers in the background, the loop in the foreground. */
  static void tickers() throws Exception {
    title("tickers: coroutines in the background of this thread's loop");
    say("A coroutine is plain sequential Java that suspends at await():");
    show(
        """
        Coroutine<Void> ticker = () -> {
            for (int i = 0; ; i++) {
                System.out.println(i);
                await(sleep(ofSeconds(1)));
            }
        };""");
    prompt("Task<Void> ticker1 = scheduleCoroutine(ticker)   // like 'ticker &'");
    Task<Void> ticker1 = scheduleCoroutine(ticker());
    say("nothing prints: the loop runs only in the foreground. " + ticker1);
    prompt("jobs()   // like the shell's: every task has a job number");
    jobs();
    prompt("runInForeground(sleep(ofSeconds(5)))   // run the loop for 5 s");
    runInForeground(sleep(ofSeconds(5)));
    prompt("runInForeground(sleep(ofSeconds(3)))   // the ticker resumes where it left off");
    runInForeground(sleep(ofSeconds(3)));
    prompt("Task<Void> ticker2 = scheduleCoroutine(ticker)");
    Task<Void> ticker2 = scheduleCoroutine(ticker());
    prompt("runInForeground(sleep(ofSeconds(3)))   // two tickers interleave");
    runInForeground(sleep(ofSeconds(3)));
    prompt("jobs()   // number, state, age, name, and what each waits on");
    jobs();
    prompt("ticker1.cancel()");
    out.println(ticker1.cancel());
    say("a foreground run ends by reporting the background jobs that finished meanwhile,");
    say("as bash does at its prompt ('+' marks the most recent job, '-' the one before):");
    prompt("runInForeground(sleep(ZERO))   // one step of the loop: the cancel takes effect");
    runInForeground(sleep(ZERO));
    prompt("ticker2.cancel()");
    out.println(ticker2.cancel());
    prompt("runInForeground(sleep(ZERO))");
    runInForeground(sleep(ZERO));
    prompt("allTasks()");
    out.println(allTasks());
  }

  /** The proposal's second session: blocking code on threads, results through the loop. */
  static void threads() throws Exception {
    title("threads: blocking calls in the background, results through the loop");
    show(
        """
        Callable<Void> tick5Sync = () -> {
            for (int i = 0; i < 5; i++) {
                System.out.println(i);
                Thread.sleep(1000);
            }
            System.out.println("Finishing");
            return null;
        };""");
    Callable<Void> tick5Sync =
        () -> {
          for (int i = 0; i < 5; i++) {
            out.println(i);
            Thread.sleep(1000);
          }
          out.println("Finishing");
          return null;
        };
    prompt("Task<Void> call = callInBackground(tick5Sync)   // starts at once, on its own thread");
    Task<Void> call = callInBackground(tick5Sync);
    Thread.sleep(5500); // the user reads the output; nobody runs the loop
    say("it ran without the loop; its outcome comes back through the loop: " + call);
    prompt("runInForeground(call)   // its result: the callable returns null");
    out.println(runInForeground(call));
    prompt("call");
    out.println(call);

    say("Parallel loading: two slow loads at once take as long as the slower one.");
    prompt("Callable<String> loadConfig = () -> { Thread.sleep(1000); return \"config loaded\"; };");
    prompt("Callable<String> loadData = () -> { Thread.sleep(2000); return \"data loaded\"; };");
    prompt("var a = callInBackground(loadConfig); var b = callInBackground(loadData)");
    long start = System.nanoTime();
    Task<String> a = callInBackground(load("config", 1));
    Task<String> b = callInBackground(load("data", 2));
    prompt("List.of(runInForeground(a), runInForeground(b))");
    out.println(List.of(runInForeground(a), runInForeground(b)));
    out.printf("took %.1f s, not 3 s%n", (System.nanoTime() - start) / 1e9);

    say("A failure in the background is not lost: the next foreground run reports it.");
    prompt(
        "var fetch = callInBackground(() -> { throw new IOException(\"connection reset\"); })");
    Task<Object> fetch =
        callInBackground(
            () -> {
              throw new IOException("connection reset");
            });
    long number = Long.parseLong(fetch.name().substring("Task-".length())); // its job number
    prompt("fetch.setName(\"fetch\")   // asyncio's set_name; the job number stays");
    fetch.setName("fetch");
    prompt("runInForeground(sleep(ofMillis(500)))   // any foreground run");
    runInForeground(sleep(ofMillis(500)));
    prompt("job(" + number + ").exception()   // the job, by the number in the notice");
    out.println(job(number).exception());
  }

  /**
   * A producer and a consumer through a bounded queue (asyncio's Queue), stepped from the prompt
   * one loop iteration at a time, with the job table showing who waits on what.
   */
  static void pipeline() throws Exception {
    title("pipeline: a producer and a consumer through a bounded queue, stepped from the prompt");
    show(
        """
        AsyncQueue<String> queue = new AsyncQueue<>(2);       // room for two items
        Coroutine<Void> producer = () -> {
            for (String item : List.of("a", "b", "c", "d")) {
                await(queue.put(item));                        // waits while the queue is full
                System.out.println("put " + item + ", size " + queue.size());
            }
            queue.shutdown();                                  // no more items: getters end
            return null;
        };
        Coroutine<Void> consumer = () -> {
            try {
                while (true) {
                    String item = await(queue.get());          // waits while the queue is empty
                    System.out.println("    got " + item);
                    await(sleep(ZERO));                        // work that takes a step
                    queue.taskDone();
                }
            } catch (QueueShutDownException e) {
                System.out.println("    queue shut down and empty: consumer ends");
            }
            return null;
        };""");
    AsyncQueue<String> queue = new AsyncQueue<>(2);
    Coroutine<Void> producer =
        () -> {
          for (String item : List.of("a", "b", "c", "d")) {
            await(queue.put(item));
            out.println("put " + item + ", size " + queue.size());
          }
          queue.shutdown();
          return null;
        };
    Coroutine<Void> consumer =
        () -> {
          try {
            while (true) {
              String item = await(queue.get());
              out.println("    got " + item);
              await(sleep(ZERO));
              queue.taskDone();
            }
          } catch (QueueShutDownException e) {
            out.println("    queue shut down and empty: consumer ends");
          }
          return null;
        };
    prompt("Task<Void> c = scheduleCoroutine(consumer)");
    Task<Void> c = scheduleCoroutine(consumer);
    c.setName("consumer");
    say("(named \"consumer\" with setName, for the job table)");
    step(1, "the consumer finds the queue empty and waits");
    prompt("Task<Void> p = scheduleCoroutine(producer)");
    Task<Void> p = scheduleCoroutine(producer);
    p.setName("producer");
    step(2, "the producer fills the queue, wakes the consumer, waits for room");
    step(3, "the consumer takes one: room for the producer");
    prompt("runInForeground(waitTasks(List.of(p, c)))   // run both to their end");
    runInForeground(waitTasks(List.of(p, c)));
    prompt("queue");
    out.println(queue);
  }

  /**
   * Child processes as jobs: three real commands started from the prompt, their output read
   * through the loop and interleaved, the job table with their PIDs, one cancelled as a shell's
   * {@code kill %n}, and a Ctrl-C on a foreground {@code waitExit()}.
   */
  static void childJobs() throws Exception {
    title("jobs: child processes as jobs of the loop, their output read through it");
    say("createSubprocessShell runs a command line with /bin/sh -c, createSubprocessExec a program");
    say("with its arguments; with pipes() the child's stdout is a StreamReader, read like a socket");
    String tickerCommand = "i=1; while :; do echo tick $i; i=$((i+1)); sleep 0.3; done";
    prompt(
        "Subprocess ticker = runInForeground(createSubprocessShell(\"" + tickerCommand
            + "\", SubprocessOptions.pipes()))");
    Subprocess ticker =
        runInForeground(createSubprocessShell(tickerCommand, SubprocessOptions.pipes()));
    String counterScript = "for i in 1 2 3; do echo count $i; sleep 0.5; done";
    prompt(
        "Subprocess counter = runInForeground(createSubprocessExec(List.of(\"sh\", \"-c\", \""
            + counterScript + "\"), SubprocessOptions.pipes()))");
    Subprocess counter =
        runInForeground(
            createSubprocessExec(List.of("sh", "-c", counterScript), SubprocessOptions.pipes()));
    prompt("Subprocess sleeper = runInForeground(createSubprocessExec(List.of(\"sleep\", \"60\")))");
    Subprocess sleeper = runInForeground(createSubprocessExec(List.of("sleep", "60")));
    say("they run on their own, like 'cmd &'; what they print waits in their pipes for the loop.");
    say("Each is a job, listed with its PID and command:");
    prompt("jobs()");
    jobs();
    show(
        """
        Coroutine<Void> echo(String name, Subprocess p) {
            return () -> {
                for (String line; (line = await(p.stdout().readLine())) != null; ) {
                    System.out.println(name + ": " + line);
                }
                return null;
            };
        }""");
    prompt(
        "var t = scheduleCoroutine(echo(\"ticker\", ticker)); var c = scheduleCoroutine(echo(\"counter\","
            + " counter))");
    Task<Void> t = scheduleCoroutine(echo("ticker", ticker));
    scheduleCoroutine(echo("counter", counter));
    prompt("runInForeground(counter.waitExit())   // the loop runs: both outputs, as they come");
    out.println(runInForeground(counter.waitExit()));
    prompt("jobs()   // the counter has gone; waitExit() does not wait for its echo to read it all");
    jobs();
    long tickerJob = jobNumber(ticker);
    say("cancelling a child's job is a shell's kill %" + tickerJob
        + ": SIGTERM, and SIGKILL 2 s later if it is still alive");
    prompt("job(" + tickerJob + ").cancel()");
    out.println(job(tickerJob).cancel());
    prompt("runInForeground(t)   // its echo task ends with the ticker's output");
    out.println(runInForeground(t));
    prompt("ticker.returnCode()   // -15: ended by fgbg's SIGTERM");
    out.println(ticker.returnCode());
    say("Ctrl-C on a foreground waitExit() ends the child, then returns to the prompt:");
    prompt("runInForeground(sleeper.waitExit())   // Ctrl-C a second later");
    Thread caller = Thread.currentThread();
    EventLoop.current().callLater(ofSeconds(1), caller::interrupt); // the Ctrl-C, during the run
    try {
      out.println(runInForeground(sleeper.waitExit()));
    } catch (InterruptedException e) {
      out.println("^C");
      out.println("|  Exception java.lang.InterruptedException: " + e.getMessage());
    }
    prompt("sleeper.returnCode()");
    out.println(sleeper.returnCode());
    prompt("jobs()   // nothing left: every child has exited and been reaped");
    jobs();
  }

  /** The job number of {@code p}'s job, read from its "job N" in {@code toString()}. */
  private static long jobNumber(Subprocess p) {
    String text = p.toString();
    int at = text.indexOf(", job ") + ", job ".length();
    return Long.parseLong(text.substring(at, text.indexOf(',', at)));
  }

  /** Prints each line of {@code p}'s stdout as it comes, after {@code name}. */
  private static Coroutine<Void> echo(String name, Subprocess p) {
    return () -> {
      for (String line; (line = await(p.stdout().readLine())) != null; ) {
        out.println(name + ": " + line);
      }
      return null;
    };
  }

  /** One step of the loop from the prompt, then the job table. */
  private static void step(int n, String what) throws Exception {
    prompt("runInForeground(sleep(ZERO))   // step " + n + ": " + what);
    runInForeground(sleep(ZERO));
    prompt("jobs()");
    jobs();
  }

  /** The proposal's third session: two echo servers and parallel clients, all in one thread. */
  static void echo() throws Exception {
    title("echo: TCP servers and clients on the loop of this one thread");
    show(
        """
        ConnectionHandler handleTcpEcho = (reader, writer) -> {
            String message = await(reader.readLine());
            System.out.println("-> Server received " + message + " from " + writer.peerAddress());
            System.out.println("<- Server sending: " + message);
            writer.write(message + "\\n");
            await(writer.drain());
            System.out.println("-- Terminate connection");
        };                                // returning closes the connection""");
    show(
        """
        Coroutine<String> tcpEchoClient(String message, int port) {
            return () -> {
                Connection c = await(openConnection("127.0.0.1", port));
                System.out.println("-> Client sending: " + message);
                c.writer().write(message + "\\n");
                String data = await(c.reader().readLine());
                System.out.println("<- Client received: " + data);
                c.writer().close();
                return data;
            };
        }""");
    prompt("Server server1 = runInForeground(startServer(handleTcpEcho, \"127.0.0.1\", 0))");
    Server server1 = runInForeground(startServer(handleTcpEcho(), "127.0.0.1", 0));
    prompt("server1.addresses()   // port 0: the system chose a free port");
    out.println(server1.addresses());
    prompt("Server server2 = runInForeground(startServer(handleTcpEcho, \"127.0.0.1\", 0))");
    Server server2 = runInForeground(startServer(handleTcpEcho(), "127.0.0.1", 0));
    prompt("var echo1 = scheduleCoroutine(tcpEchoClient(\"Hello World!\", server1.port()))");
    Task<String> echo1 = scheduleCoroutine(tcpEchoClient("Hello World!", server1.port()));
    prompt("var echo2 = scheduleCoroutine(tcpEchoClient(\"Hello World!\", server2.port()))");
    Task<String> echo2 = scheduleCoroutine(tcpEchoClient("Hello World!", server2.port()));
    say("nothing happens yet: the servers and the clients all wait for the loop");
    prompt("runInForeground(waitTasks(List.of(echo1, echo2)))   // both at once, interleaved");
    runInForeground(waitTasks(List.of(echo1, echo2)));
    prompt("List.of(echo1.result(), echo2.result())");
    out.println(List.of(echo1.result(), echo2.result()));

    say("Blocking client code, on a thread of its own, against the server this thread's loop");
    say("serves while it waits in the foreground:");
    show(
        """
        Callable<String> blockingClient = () -> {
            try (Socket socket = new Socket("127.0.0.1", server1.port())) {
                socket.getOutputStream().write("Hello from a thread\\n".getBytes(UTF_8));
                return new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8))
                    .readLine();
            }
        };""");
    prompt("runInForeground(callInBackground(blockingClient))");
    int port = server1.port();
    out.println(
        runInForeground(
            callInBackground(
                () -> {
                  try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.getOutputStream().write("Hello from a thread\n".getBytes(UTF_8));
                    return new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), UTF_8))
                        .readLine();
                  }
                })));
    prompt("server1.close(); server2.close()   // stop accepting");
    server1.close();
    server2.close();
    prompt("runInForeground(server1.waitClosed())   // and every connection has finished");
    runInForeground(server1.waitClosed());
    out.println(server1);
  }

  private static ConnectionHandler handleTcpEcho() {
    return (reader, writer) -> {
      String message = await(reader.readLine());
      out.println("-> Server received " + message + " from " + writer.peerAddress());
      out.println("<- Server sending: " + message);
      writer.write(message + "\n");
      await(writer.drain());
      out.println("-- Terminate connection");
    };
  }

  private static Coroutine<String> tcpEchoClient(String message, int port) {
    return () -> {
      Connection c = await(openConnection("127.0.0.1", port));
      out.println("-> Client sending: " + message);
      c.writer().write(message + "\n");
      String data = await(c.reader().readLine());
      out.println("<- Client received: " + data);
      c.writer().close();
      return data;
    };
  }

  private static Callable<String> load(String what, int seconds) {
    return () -> {
      Thread.sleep(seconds * 1000L);
      return what + " loaded";
    };
  }

  private static void title(String text) {
    out.println();
    out.println("=== " + text);
  }

  private static void say(String text) {
    out.println("# " + text);
  }

  private static void show(String code) {
    String[] lines = code.split("\n");
    for (int i = 0; i < lines.length; i++) {
      out.println((i == 0 ? "jshell> " : "   ...> ") + lines[i]);
    }
  }

  private static void prompt(String command) {
    out.println("jshell> " + command);
  }
}
