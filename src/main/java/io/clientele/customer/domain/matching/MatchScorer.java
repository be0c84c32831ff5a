package io.clientele.customer.domain.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Scores how likely two customers are the same, with the reasons. Each piece of agreeing evidence
 * has a weight w in (0, 1); they combine as independent evidence, {@code 1 - prod(1 - w)}, so two
 * medium signals (same name and same address) beat one. Disagreement where both records have a
 * value (different external ids, clearly different names) multiplies the score down.
 */
public final class MatchScorer {

    static final double EXTERNAL_ID = 0.99;
    static final double EMAIL = 0.9;
    static final double PHONE = 0.8;
    static final double NAME_EXACT = 0.75;
    static final double NAME_PHONETIC = 0.6;
    static final double NAME_TRIGRAM = 0.75;
    static final double ADDRESS_POSTAL = 0.3;
    static final double ADDRESS_LINE = 0.3;
    static final double COMPANY = 0.2;
    static final double OTHER_EXTERNAL_ID = 0.5;
    static final double OTHER_NAME = 0.5;

    private MatchScorer() {
    }

    /** A scored pair. {@code trigram} is pg_trgm's similarity of the two match names (0 when unknown). */
    public static MatchScore score(MatchProfile probe, MatchProfile candidate, double trigram) {
        List<MatchReason> reasons = new ArrayList<>();
        if (probe.externalId() != null && candidate.externalId() != null) {
            if (probe.externalId().equals(candidate.externalId())) {
                reasons.add(new MatchReason("externalId", "exact", EXTERNAL_ID, probe.externalId()));
            } else {
                reasons.add(new MatchReason("externalId", "different", OTHER_EXTERNAL_ID - 1,
                        candidate.externalId()));
            }
        }
        probe.emails().stream().filter(candidate.emails()::contains).findFirst()
                .ifPresent(e -> reasons.add(new MatchReason("emails", "exact", EMAIL, e)));
        probe.phones().stream().filter(candidate.phones()::contains).findFirst()
                .ifPresent(p -> reasons.add(new MatchReason("phones", "exact", PHONE, p)));
        name(probe, candidate, trigram, reasons);
        address(probe, candidate, reasons);
        if (probe.companyId() != null && probe.companyId().equals(candidate.companyId())) {
            reasons.add(new MatchReason("companyId", "exact", COMPANY, probe.companyId().toString()));
        }
        double disagree = 1;
        double agree = 1;
        for (MatchReason r : reasons) {
            if (r.weight() < 0) {
                disagree *= 1 + r.weight();
            } else {
                agree *= 1 - r.weight();
            }
        }
        double score = Math.round((1 - agree) * disagree * 1000) / 1000.0;
        return new MatchScore(score, reasons);
    }

    private static void name(MatchProfile probe, MatchProfile candidate, double trigram, List<MatchReason> reasons) {
        if (probe.tokens().isEmpty() || candidate.tokens().isEmpty()) {
            return;
        }
        String detail = candidate.matchName();
        if (probe.sameTokens(candidate)) {
            reasons.add(new MatchReason("name", "exact", NAME_EXACT, detail));
        } else if (probe.soundsLike(candidate)) {
            reasons.add(new MatchReason("name", "phonetic", NAME_PHONETIC, detail));
        } else if (trigram >= 0.45) {
            reasons.add(new MatchReason("name", "trigram", round(NAME_TRIGRAM * trigram), detail
                    + " (similarity " + round(trigram) + ")"));
        } else if (trigram < 0.25) {
            reasons.add(new MatchReason("name", "different", OTHER_NAME - 1, detail));
        }
    }

    private static void address(MatchProfile probe, MatchProfile candidate, List<MatchReason> reasons) {
        for (MatchProfile.Address a : probe.addresses()) {
            for (MatchProfile.Address b : candidate.addresses()) {
                if (a.postalCode() != null && a.postalCode().equals(b.postalCode())
                        && Objects.equals(a.country(), b.country())) {
                    reasons.add(new MatchReason("addresses", "postalCode", ADDRESS_POSTAL, a.postalCode()));
                    if (!a.line1().isEmpty() && a.line1().equals(b.line1())) {
                        reasons.add(new MatchReason("addresses", "line1", ADDRESS_LINE, a.line1()));
                    }
                    return;
                }
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
