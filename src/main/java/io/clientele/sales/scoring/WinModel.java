package io.clientele.sales.scoring;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A trained model as stored (JSON in win_model.model): the feature layout, the standardisation, the
 * weights (intercept last), the owners' smoothed win rates, and the measured quality.
 */
// Stored and read back as JSON by Jackson.
@RegisterForReflection
public record WinModel(List<String> features, List<String> stageIds, List<String> sources, double[] means,
        double[] scales, double[] weights, Map<String, Double> ownerRates, double priorWinRate, Quality quality) {

    @RegisterForReflection
    public record Quality(String trainedAt, int closedOpportunities, int trainingSize, int testSize, Double auc,
            Double brier, Double baselineAuc, Double baselineBrier) {
    }
}
