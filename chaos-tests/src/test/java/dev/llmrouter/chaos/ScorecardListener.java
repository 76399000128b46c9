package dev.llmrouter.chaos;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints the scorecard once the whole suite has run, writes it, and publishes it to docs/ when asked.
 * Registered through {@code META-INF/services}, so it runs under Maven and IDEs alike.
 */
public final class ScorecardListener implements TestExecutionListener {

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (Scorecard.rows().isEmpty()) {
            return;
        }
        java.nio.file.Path file = Scorecard.write();
        Scorecard.publishIfAsked();
        System.out.println();
        System.out.println(Scorecard.markdown());
        System.out.println("(written to " + file.toAbsolutePath().normalize() + ")");
    }
}
