package io.clientele.sales.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

    @Test
    void recoversTheCoefficientsOfSimulatedData() {
        Random random = new Random(42);
        int n = 20_000;
        double[][] x = new double[n][2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = random.nextGaussian();
            x[i][1] = random.nextGaussian();
            double p = LogisticRegression.sigmoid(-0.5 + 1.5 * x[i][0] - 1.0 * x[i][1]);
            y[i] = random.nextDouble() < p ? 1 : 0;
        }
        double[] w = LogisticRegression.fit(x, y, 0.0, 50);
        assertEquals(1.5, w[0], 0.08);
        assertEquals(-1.0, w[1], 0.08);
        assertEquals(-0.5, w[2], 0.08);
    }

    @Test
    void aConstantFeatureAndNoSignalGiveTheBaseRate() {
        double[][] x = new double[100][1];
        int[] y = new int[100];
        for (int i = 0; i < 100; i++) {
            x[i][0] = 0;
            y[i] = i < 25 ? 1 : 0;
        }
        double[] w = LogisticRegression.fit(x, y, 1.0, 50);
        assertEquals(0.25, LogisticRegression.sigmoid(LogisticRegression.dot(w, new double[] { 0 })), 1e-6);
    }

    @Test
    void aucAndBrierScore() {
        assertEquals(1.0, LogisticRegression.auc(new double[] { 0.1, 0.2, 0.8, 0.9 }, new int[] { 0, 0, 1, 1 }));
        assertEquals(0.0, LogisticRegression.auc(new double[] { 0.9, 0.8, 0.2, 0.1 }, new int[] { 0, 0, 1, 1 }));
        // Ties count one half.
        assertEquals(0.5, LogisticRegression.auc(new double[] { 0.5, 0.5 }, new int[] { 0, 1 }));
        assertTrue(Double.isNaN(LogisticRegression.auc(new double[] { 0.5 }, new int[] { 1 })));
        assertEquals(0.25, LogisticRegression.brier(new double[] { 0.5, 0.5 }, new int[] { 0, 1 }), 1e-12);
        assertEquals(0.01, LogisticRegression.brier(new double[] { 0.9, 0.1 }, new int[] { 1, 0 }), 1e-12);
    }
}
