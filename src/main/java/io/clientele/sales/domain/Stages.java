package io.clientele.sales.domain;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The stage list as stored: a JSON object {@code {"items": [...]}} rather than a bare array, because
 * Hibernate Reactive's JSON mapping reads a JSON column as an object.
 */
// Stored as JSON by Hibernate's Jackson mapper.
@RegisterForReflection
public record Stages(List<Stage> items) {
}
