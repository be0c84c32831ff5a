package io.clientele.sales.scoring;

/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
 * squares). Features are expected standardised; the intercept is not penalised. With a few dozen
 * features the Hessian is tiny, so each iteration is one pass over the data plus a small solve.
 */
public final class LogisticRegression {

    private LogisticRegression() {
    }

    /** Weights with the intercept last. {@code x[i]} is row i, {@code y[i]} 1 for won, 0 for lost. */
    public static double[] fit(double[][] x, int[] y, double lambda, int maxIterations) {
        int n = x.length;
        int d = n == 0 ? 0 : x[0].length;
        int p = d + 1;
        double[] w = new double[p];
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            double[] gradient = new double[p];
            double[][] hessian = new double[p][p];
            for (int i = 0; i < n; i++) {
                double[] row = x[i];
                double prob = sigmoid(dot(w, row));
                double r = prob - y[i];
                double s = Math.max(prob * (1 - prob), 1e-10);
                for (int j = 0; j < d; j++) {
                    gradient[j] += r * row[j];
                    double sj = s * row[j];
                    for (int k = 0; k <= j; k++) {
                        hessian[j][k] += sj * row[k];
                    }
                    hessian[d][j] += sj;
                }
                gradient[d] += r;
                hessian[d][d] += s;
            }
            for (int j = 0; j < p; j++) {
                for (int k = 0; k < j; k++) {
                    hessian[k][j] = hessian[j][k];
                }
            }
            for (int j = 0; j < d; j++) {
                gradient[j] += lambda * w[j];
                hessian[j][j] += lambda;
            }
            double[] step = solve(hessian, gradient);
            double change = 0;
            for (int j = 0; j < p; j++) {
                w[j] -= step[j];
                change = Math.max(change, Math.abs(step[j]));
            }
            if (change < 1e-8) {
                break;
            }
        }
        return w;
    }

    /** Linear predictor of a row (weights with the intercept last). */
    public static double dot(double[] w, double[] row) {
        double z = w[w.length - 1];
        for (int j = 0; j < row.length; j++) {
            z += w[j] * row[j];
        }
        return z;
    }

    public static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** Solves a symmetric positive-definite system by Cholesky decomposition (the Hessian plus the ridge is one). */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    // A tiny jitter keeps an unpenalised, constant column from stopping the fit.
                    l[i][i] = Math.sqrt(Math.max(sum, 1e-12));
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i][k] * z[k];
            }
            z[i] = sum / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = z[i];
            for (int k = i + 1; k < n; k++) {
                sum -= l[k][i] * x[k];
            }
            x[i] = sum / l[i][i];
        }
        return x;
    }

    /** Area under the ROC curve: the probability that a random positive scores above a random negative. */
    public static double auc(double[] scores, int[] labels) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        // Mann-Whitney U with average ranks for ties.
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    rankSumPositive += rank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** Mean squared difference between predicted probability and outcome; lower is better calibrated. */
    public static double brier(double[] probabilities, int[] labels) {
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            double e = probabilities[i] - labels[i];
            sum += e * e;
        }
        return probabilities.length == 0 ? Double.NaN : sum / probabilities.length;
    }
}
