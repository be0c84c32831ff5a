package io.clientele.sales.domain;

import java.math.BigDecimal;
import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One stage of a pipeline: its stable id (what opportunities reference), name, default win
 * probability (0..1), whether reaching it wins or loses the deal, and after how many days without
 * activity an open opportunity in it counts as stale (null: never).
 */
// Stored as JSON inside the pipeline row by Hibernate's Jackson mapper.
@RegisterForReflection
public record Stage(UUID id, String name, BigDecimal probability, boolean won, boolean lost, Integer staleAfterDays) {

    public boolean closed() {
        return won || lost;
    }

    public String status() {
        return won ? "won" : lost ? "lost" : "open";
    }
}
