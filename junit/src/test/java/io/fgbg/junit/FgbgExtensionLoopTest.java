package io.fgbg.junit;

import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.fgbg.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/**
 * The loop each test gets: fresh, on a virtual clock unless {@code realTime = true}, the test
 * thread's current loop during the test and no longer after it, given to {@code EventLoop}
 * parameters of the test and of its {@code @BeforeEach} and {@code @AfterEach} methods, and closed
 * after the test. Each case is a test class of its own, run through JUnit's engine on this thread.
 */
class FgbgExtensionLoopTest {

  // ------------------------------------------------------------------ parameters and binding

  @Fixture
  static class SeesItsLoop {
    static final List<EventLoop> seen = new ArrayList<>();

    @BeforeEach
    void before(EventLoop loop) {
      seen.add(loop);
    }

    @FgbgTest
    void test(EventLoop loop) {
      seen.add(loop);
      seen.add(EventLoop.current());
      assertThat(loop.isClosed()).isFalse();
    }

    @AfterEach
    void after(EventLoop loop) {
      seen.add(loop);
    }
  }

  @Test
  void theTestAndItsBeforeAndAfterEachGetTheLoopThatIsCurrentDuringTheTest() {
    SeesItsLoop.seen.clear();
    EngineRun.of(SeesItsLoop.class).assertPassed();
    List<EventLoop> seen = SeesItsLoop.seen;
    assertThat(seen).hasSize(4);
    assertThat(seen).allSatisfy(loop -> assertThat(loop).isSameAs(seen.get(0)));
    assertThat(seen.get(0).isClosed()).as("closed after the test").isTrue();
  }

  @Test
  void theThreadsCurrentLoopIsBoundAgainAfterTheTest() {
    EventLoop mine = EventLoop.create();
    EventLoop.setCurrent(mine);
    try {
      SeesItsLoop.seen.clear();
      EngineRun.of(SeesItsLoop.class).assertPassed();
      assertThat(SeesItsLoop.seen.get(0)).isNotSameAs(mine);
      assertThat(EventLoop.current()).isSameAs(mine);
      assertThat(mine.isClosed()).isFalse();
    } finally {
      EventLoop.setCurrent(null);
      mine.close();
    }
  }

  @Fixture
  static class TwoTests {
    static final List<EventLoop> seen = new ArrayList<>();

    @FgbgTest
    void first(EventLoop loop) {
      seen.add(loop);
    }

    @FgbgTest
    void second(EventLoop loop) {
      seen.add(loop);
    }
  }

  @Test
  void eachTestHasAFreshLoop() {
    TwoTests.seen.clear();
    EngineRun.all(TwoTests.class).forEach(EngineRun::assertPassed);
    assertThat(TwoTests.seen).hasSize(2);
    assertThat(TwoTests.seen.get(0)).isNotSameAs(TwoTests.seen.get(1));
  }

  // ------------------------------------------------------------------ clocks

  @Fixture
  static class SleepsAnHour {
    static Duration loopTime;
    static long realNanos;

    @FgbgTest
    void test(EventLoop loop) throws Exception {
      long start = System.nanoTime();
      runInForeground(sleep(ofHours(1)));
      realNanos = System.nanoTime() - start;
      loopTime = loop.time();
    }
  }

  @Test
  void theLoopIsVirtualByDefaultAndItsTimeExact() {
    EngineRun.of(SleepsAnHour.class).assertPassed();
    assertThat(SleepsAnHour.loopTime).isEqualTo(ofHours(1));
    assertThat(Duration.ofNanos(SleepsAnHour.realNanos)).isLessThan(ofSeconds(30));
  }

  @Fixture
  static class SleepsOnTheRealClock {
    static Duration loopTime;
    static long realNanos;

    @FgbgTest(realTime = true)
    void test(EventLoop loop) throws Exception {
      Duration before = loop.time();
      long start = System.nanoTime();
      runInForeground(sleep(ofMillis(50)));
      realNanos = System.nanoTime() - start;
      loopTime = loop.time().minus(before);
    }
  }

  @Test
  void realTimeGivesALoopOnTheRealClock() {
    EngineRun.of(SleepsOnTheRealClock.class).assertPassed();
    assertThat(Duration.ofNanos(SleepsOnTheRealClock.realNanos)).isGreaterThanOrEqualTo(ofMillis(50));
    assertThat(SleepsOnTheRealClock.loopTime).isGreaterThanOrEqualTo(ofMillis(50));
  }

  // ------------------------------------------------------------------ @ExtendWith on @Test

  @Fixture
  @ExtendWith(FgbgExtension.class)
  static class ExtendedWith {
    static EventLoop current;

    @Test
    void leavesATask(EventLoop loop) {
      current = EventLoop.current();
      assertThat(current).isSameAs(loop);
      scheduleCoroutine(sleep(ofSeconds(1)));
    }
  }

  @Test
  void extendWithOnAClassOfPlainTestsGivesTheSameLoopAndChecks() {
    Throwable failure = EngineRun.of(ExtendedWith.class).failure();
    assertThat(failure)
        .hasMessage(
            "the test left work behind on its event loop:\n"
                + "  task [1] Task-1 is still pending: waiting on sleep of Task-1");
    assertThat(ExtendedWith.current.time()).as("virtual: no time has passed").isEqualTo(Duration.ZERO);
  }

  // ------------------------------------------------------------------ outside a test

  @Fixture
  @ExtendWith(FgbgExtension.class)
  static class WantsALoopInItsConstructor {
    WantsALoopInItsConstructor(EventLoop loop) {}

    @Test
    void test() {}
  }

  @Test
  void aConstructorGetsNoLoopButAClearError() throws Exception {
    Throwable failure = EngineRun.of(WantsALoopInItsConstructor.class).failure();
    assertThat(failure)
        .isExactlyInstanceOf(ParameterResolutionException.class)
        .hasMessage(
            "an EventLoop parameter is given to test methods and their @BeforeEach and @AfterEach"
                + " methods, each test having a fresh loop; "
                + WantsALoopInItsConstructor.class.getDeclaredConstructor(EventLoop.class)
                + " runs outside any test");
  }

  @Fixture
  static class ClosesItsLoop {
    @FgbgTest
    void test(EventLoop loop) {
      scheduleCoroutine(sleep(ofSeconds(1)));
      loop.close(); // cancels the task: nothing is left
    }
  }

  @Test
  void aTestThatClosesItsLoopItselfPasses() {
    EngineRun.of(ClosesItsLoop.class).assertPassed();
  }
}
