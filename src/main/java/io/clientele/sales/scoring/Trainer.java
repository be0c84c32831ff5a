package io.clientele.sales.scoring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Trains a {@link WinModel} from closed opportunities: the most recently closed 20% are held out to
 * measure AUC and Brier score against the stage-default baseline, then the model is refitted on all.
 */
public final class Trainer {

    /** A closed opportunity: its features as they were before closing, whether it was won, when it closed. */
    public record Example(WinFeatures features, boolean won, Instant closedAt) {
    }

    static final double LAMBDA = 1.0;
    static final int MAX_SOURCES = 20;
    static final int MAX_STAGES = 40;
    /** Pseudo-count pulling an owner's win rate towards the tenant's (an owner with 2 deals says little). */
    static final double OWNER_PRIOR_WEIGHT = 10;

    private Trainer() {
    }

    public static WinModel train(List<Example> examples, Instant now) {
        List<Example> sorted = new ArrayList<>(examples);
        sorted.sort(Comparator.comparing(Example::closedAt));
        int testSize = Math.max(1, sorted.size() / 5);
        List<Example> train = sorted.subList(0, sorted.size() - testSize);
        List<Example> test = sorted.subList(sorted.size() - testSize, sorted.size());

        WinModel held = fit(train, null);
        double[] predicted = new double[test.size()];
        double[] baseline = new double[test.size()];
        int[] labels = new int[test.size()];
        for (int i = 0; i < test.size(); i++) {
            predicted[i] = probability(held, test.get(i).features());
            baseline[i] = test.get(i).features().stageProbability();
            labels[i] = test.get(i).won() ? 1 : 0;
        }
        WinModel.Quality quality = new WinModel.Quality(now.toString(), examples.size(), train.size(), test.size(),
                finite(LogisticRegression.auc(predicted, labels)), finite(LogisticRegression.brier(predicted, labels)),
                finite(LogisticRegression.auc(baseline, labels)), finite(LogisticRegression.brier(baseline, labels)));
        return fit(sorted, quality);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? Math.round(v * 10000) / 10000.0 : null;
    }

    private static WinModel fit(List<Example> examples, WinModel.Quality quality) {
        long wins = examples.stream().filter(Example::won).count();
        double prior = (wins + 1.0) / (examples.size() + 2.0);
        Map<String, double[]> perOwner = new HashMap<>();
        for (Example e : examples) {
            double[] c = perOwner.computeIfAbsent(e.features().ownerId(), k -> new double[2]);
            c[0] += e.won() ? 1 : 0;
            c[1] += 1;
        }
        Map<String, Double> ownerRates = new LinkedHashMap<>();
        perOwner.forEach((owner, c) -> ownerRates.put(owner,
                (c[0] + OWNER_PRIOR_WEIGHT * prior) / (c[1] + OWNER_PRIOR_WEIGHT)));
        List<String> stageIds = frequent(examples.stream().map(e -> e.features().stageId()).toList(), MAX_STAGES);
        List<String> sources = frequent(examples.stream().map(e -> e.features().source()).filter(s -> s != null)
                .toList(), MAX_SOURCES);
        int n = examples.size();
        double[][] x = new double[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            Example e = examples.get(i);
            // Leave the example itself out of its owner's rate, or the feature would leak the label.
            double[] c = perOwner.get(e.features().ownerId());
            double own = (c[0] - (e.won() ? 1 : 0) + OWNER_PRIOR_WEIGHT * prior) / (c[1] - 1 + OWNER_PRIOR_WEIGHT);
            x[i] = e.features().encode(stageIds, sources, Map.of(e.features().ownerId(), own), prior);
            y[i] = e.won() ? 1 : 0;
        }
        int d = n == 0 ? 0 : x[0].length;
        double[] means = new double[d];
        double[] scales = new double[d];
        for (int j = 0; j < d; j++) {
            double sum = 0;
            for (double[] row : x) {
                sum += row[j];
            }
            means[j] = sum / n;
            double var = 0;
            for (double[] row : x) {
                var += (row[j] - means[j]) * (row[j] - means[j]);
            }
            double sd = Math.sqrt(var / n);
            scales[j] = sd < 1e-9 ? 1 : sd;
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = (row[j] - means[j]) / scales[j];
            }
        }
        double[] weights = LogisticRegression.fit(x, y, LAMBDA, 25);
        return new WinModel(WinFeatures.names(stageIds, sources), stageIds, sources, means, scales, weights,
                ownerRates, prior, quality);
    }

    private static List<String> frequent(List<String> values, int max) {
        return values.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting())).entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(max).map(Map.Entry::getKey).toList();
    }

    /** Standardised vector of {@code f} under {@code model}. */
    static double[] standardised(WinModel model, WinFeatures f) {
        double[] v = f.encode(model.stageIds(), model.sources(), model.ownerRates(), model.priorWinRate());
        for (int j = 0; j < v.length; j++) {
            v[j] = (v[j] - model.means()[j]) / model.scales()[j];
        }
        return v;
    }

    public static double probability(WinModel model, WinFeatures f) {
        return LogisticRegression.sigmoid(LogisticRegression.dot(model.weights(), standardised(model, f)));
    }

    /** Contributions to the log-odds relative to an average opportunity, grouped by feature, largest first. */
    public static List<Map<String, Object>> factors(WinModel model, WinFeatures f, int top) {
        double[] v = standardised(model, f);
        Map<String, Double> byFeature = new LinkedHashMap<>();
        for (int j = 0; j < v.length; j++) {
            byFeature.merge(model.features().get(j), model.weights()[j] * v[j], Double::sum);
        }
        return byFeature.entrySet().stream()
                .sorted((a, b) -> Double.compare(Math.abs(b.getValue()), Math.abs(a.getValue())))
                .limit(top)
                .map(e -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("feature", e.getKey());
                    m.put("value", String.valueOf(f.shown(e.getKey(), model.ownerRates(), model.priorWinRate())));
                    m.put("contribution", Math.round(e.getValue() * 10000) / 10000.0);
                    return m;
                }).toList();
    }
}
