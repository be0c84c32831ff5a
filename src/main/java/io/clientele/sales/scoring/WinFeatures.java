package io.clientele.sales.scoring;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The raw facts of an opportunity the model looks at, and their encoding as a feature vector:
 * numeric features first (then standardised), then one-hot stage and source.
 */
public record WinFeatures(String stageId, double stageProbability, double ageDays, BigDecimal amount,
        int activities, double daysSinceActivity, String source, String ownerId) {

    static final List<String> NUMERIC = List.of("stageProbability", "ageDays", "logAmount", "activities",
            "daysSinceActivity", "ownerWinRate");

    /** Unstandardised vector for {@code stageIds}/{@code sources}; owner's rate from {@code ownerRates}. */
    double[] encode(List<String> stageIds, List<String> sources, Map<String, Double> ownerRates, double prior) {
        double[] v = new double[NUMERIC.size() + stageIds.size() + sources.size()];
        v[0] = stageProbability;
        v[1] = ageDays;
        v[2] = Math.log1p(Math.max(0, amount.doubleValue()));
        v[3] = Math.log1p(activities);
        v[4] = Math.log1p(Math.max(0, daysSinceActivity));
        v[5] = ownerRates.getOrDefault(ownerId, prior);
        int at = stageIds.indexOf(stageId);
        if (at >= 0) {
            v[NUMERIC.size() + at] = 1;
        }
        int s = source == null ? -1 : sources.indexOf(source);
        if (s >= 0) {
            v[NUMERIC.size() + stageIds.size() + s] = 1;
        }
        return v;
    }

    /** The names of the encoded positions, for factors. */
    static List<String> names(List<String> stageIds, List<String> sources) {
        List<String> names = new ArrayList<>(NUMERIC);
        stageIds.forEach(id -> names.add("stage"));
        sources.forEach(s -> names.add("source"));
        return names;
    }

    /** The value a feature name shows in a factor. */
    Object shown(String feature, Map<String, Double> ownerRates, double prior) {
        return switch (feature) {
            case "stageProbability" -> stageProbability;
            case "ageDays" -> Math.round(ageDays * 10) / 10.0;
            case "logAmount" -> amount.toPlainString();
            case "activities" -> activities;
            case "daysSinceActivity" -> Math.round(daysSinceActivity * 10) / 10.0;
            case "ownerWinRate" -> Math.round(ownerRates.getOrDefault(ownerId, prior) * 1000) / 1000.0;
            case "stage" -> stageId;
            case "source" -> source == null ? "" : source;
            default -> "";
        };
    }
}
