package io.fgbg.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test method that runs on a fresh fgbg event loop of its own, on a virtual clock unless {@link
 * #realTime()} says otherwise, and fails if it leaves work behind on that loop: {@link Test} with
 * {@link FgbgExtension}.
 *
 * <pre>{@code
 * @FgbgTest
 * void aSilentServiceTimesOutAtTheExactInstant(EventLoop loop) throws Exception {
 *   Task<String> reply = scheduleCoroutine(sleep(ofHours(1), "too late"));
 *   assertThatThrownBy(() -> runInForeground(waitFor(reply, ofSeconds(5))))
 *       .isInstanceOf(TimeoutException.class);
 *   assertThat(loop.time()).isEqualTo(ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>The loop is the test thread's current loop ({@link io.fgbg.EventLoop#current()}), so the
 * static methods of {@link io.fgbg.Fgbg} act on it, and it is given to any {@link
 * io.fgbg.EventLoop} parameter of the test method and of its {@code @BeforeEach} and {@code
 * @AfterEach} methods. {@link FgbgExtension} says what the test must leave clean.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(FgbgExtension.class)
public @interface FgbgTest {
  /**
   * Whether the test's loop runs on the real clock, as {@link io.fgbg.EventLoop#create()} makes
   * it, instead of a virtual clock from 0 ({@link io.fgbg.EventLoop#createVirtual()}).
   *
   * @return true for the real clock; false (the default) for virtual time
   */
  boolean realTime() default false;
}
