package io.fgbg.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class that {@link EngineRun} runs and inspects, most of them made to fail: skipped when
 * anything else runs it (a build whose {@code -Dtest} pattern happens to match it, an IDE).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(Fixture.OnlyInEngineRun.class)
@interface Fixture {
  /** The configuration parameter that EngineRun sets. */
  String PARAMETER = "io.fgbg.junit.fixtures";

  /** Enables a fixture only under EngineRun. */
  final class OnlyInEngineRun implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(PARAMETER).isPresent()
          ? ConditionEvaluationResult.enabled("run by EngineRun")
          : ConditionEvaluationResult.disabled("a fixture of EngineRun, which runs it");
    }
  }
}
