package io.fgbg.junit;

import io.fgbg.EventLoop;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit Jupiter extension behind {@link FgbgTest}: each test gets a fresh fgbg event loop, and
 * fails if it leaves work behind on it. Use {@code @FgbgTest} on a test method, or {@code
 * @ExtendWith(FgbgExtension.class)} on a class (or method) of plain {@code @Test} methods.
 *
 * <p>Before each test (before its {@code @BeforeEach} methods), a new loop is made, on a virtual
 * clock from 0 ({@link EventLoop#createVirtual()}), or on the real clock for {@code
 * @FgbgTest(realTime = true)}, with job notices off ({@link EventLoop#setJobNotices}); it becomes
 * the test thread's current loop ({@link EventLoop#setCurrent}), so that the static methods of
 * {@link io.fgbg.Fgbg} act on it, and it is given to every {@link EventLoop} parameter of the test
 * method and of its {@code @BeforeEach} and {@code @AfterEach} methods.
 *
 * <p>After the test (after its {@code @AfterEach} methods), and before the loop is closed, the
 * loop runs what is ready without waiting and without moving its clock; then the test fails, with
 * an {@link AssertionError} whose message names each culprit, one line each, if
 *
 * <ul>
 *   <li>a task is still pending: its job number, name and what it waits on ({@code task [2]
 *       ticker is still pending: waiting on sleep of ticker});
 *   <li>a task failed and nobody retrieved its exception (awaited it, read its result, ...): the
 *       exception, whose stack is added to the error as suppressed; it then counts as retrieved,
 *       so closing the loop does not log it as "Task exception was never retrieved";
 *   <li>a background call is still running on its thread: the call and the thread's name;
 *   <li>a socket of the loop is still open: a server's listening socket, or a connection, with
 *       its local and remote addresses.
 * </ul>
 *
 * Then the loop is closed (which cancels what is pending and closes the sockets) and the thread's
 * previous current loop is bound again. If the test itself failed, its own failure is what JUnit
 * reports, with the report of what it left added as suppressed.
 *
 * <p>Thread regime: the callbacks run on the test's thread, which must also be the thread the test
 * runs the loop from; the loop of each test is kept in JUnit's store for that test alone.
 */
public final class FgbgExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FgbgExtension.class);
  private static final String KEY = "loop";

  /** Made by JUnit, for {@code @ExtendWith(FgbgExtension.class)} and {@link FgbgTest}. */
  public FgbgExtension() {}

  /** A test's loop, and the loop its thread had before. */
  private record TestLoop(EventLoop loop, EventLoop previous) {}

  /**
   * Makes the test's loop and binds it to the test thread. Never suspends.
   *
   * @param context the test's context
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    boolean realTime =
        AnnotationSupport.findAnnotation(context.getTestMethod(), FgbgTest.class)
            .map(FgbgTest::realTime)
            .orElse(false);
    EventLoop previous = EventLoop.current();
    EventLoop loop = realTime ? EventLoop.create() : EventLoop.createVirtual();
    loop.setJobNotices(false); // what a notice would tell of a failure, the check after the test says
    context.getStore(NAMESPACE).put(KEY, new TestLoop(loop, previous));
    EventLoop.setCurrent(loop);
  }

  /**
   * Checks what the test left on its loop, closes the loop and binds the thread's previous loop
   * again. Runs the loop briefly (what is ready, without waiting), then waits for {@code close()}.
   *
   * @param context the test's context
   * @throws AssertionError naming what the test left, if the test itself passed
   */
  @Override
  public void afterEach(ExtensionContext context) {
    TestLoop test = context.getStore(NAMESPACE).remove(KEY, TestLoop.class);
    if (test == null) {
      return;
    }
    EventLoop loop = test.loop();
    boolean interrupted = Thread.interrupted(); // the test's, kept for JUnit: not a reason to stop
    AssertionError leftBehind = null;
    try {
      if (!loop.isClosed()) {
        leftBehind = LeakCheck.check(loop);
      }
    } catch (Exception e) {
      leftBehind = new AssertionError("the test's event loop could not be checked: " + e, e);
    } finally {
      try {
        loop.close();
      } catch (RuntimeException e) {
        if (leftBehind == null) {
          leftBehind = new AssertionError("the test's event loop could not be closed: " + e, e);
        } else {
          leftBehind.addSuppressed(e);
        }
      } finally {
        EventLoop.setCurrent(test.previous());
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (leftBehind == null) {
      return;
    }
    Optional<Throwable> failure = context.getExecutionException();
    if (failure.isPresent()) {
      failure.get().addSuppressed(leftBehind); // the test's own failure comes first
    } else {
      throw leftBehind;
    }
  }

  /**
   * Tells whether a parameter is the test's loop: of type {@link EventLoop}.
   *
   * @param parameter the parameter
   * @param context the context
   * @return true for an {@code EventLoop} parameter
   */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EventLoop.class;
  }

  /**
   * The test's loop, for an {@link EventLoop} parameter.
   *
   * @param parameter the parameter
   * @param context the context
   * @return the loop
   * @throws ParameterResolutionException outside a test method and its {@code @BeforeEach} and
   *     {@code @AfterEach} methods (a constructor, {@code @BeforeAll}): there is no test loop there
   */
  @Override
  public EventLoop resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestLoop test = context.getStore(NAMESPACE).get(KEY, TestLoop.class);
    if (test == null) {
      throw new ParameterResolutionException(
          "an EventLoop parameter is given to test methods and their @BeforeEach and @AfterEach"
              + " methods, each test having a fresh loop; "
              + parameter.getDeclaringExecutable()
              + " runs outside any test");
    }
    return test.loop();
  }
}
