package io.clientele.sales.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.clientele.platform.persistence.TenantRecord;

/** A tenant's sales pipeline: a name and its stages in order. Stage changes bump the pipeline's version. */
@Entity
@Table(name = "pipeline")
public class Pipeline extends TenantRecord {

    @Column(nullable = false)
    public String name;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "stages", nullable = false)
    public Stages stageList = new Stages(List.of());

    @Column(name = "deleted_at")
    public Instant deletedAt;

    /** The stages in pipeline order. */
    public List<Stage> stages() {
        return stageList.items();
    }

    public void stages(List<Stage> stages) {
        stageList = new Stages(List.copyOf(stages));
    }

    public Optional<Stage> stage(UUID stageId) {
        return stages().stream().filter(s -> s.id().equals(stageId)).findFirst();
    }

    /** Position of a stage in the pipeline order, -1 when it is not one of its stages. */
    public int position(UUID stageId) {
        for (int i = 0; i < stages().size(); i++) {
            if (stages().get(i).id().equals(stageId)) {
                return i;
            }
        }
        return -1;
    }

    public UUID[] stageIds() {
        return stages().stream().map(Stage::id).toArray(UUID[]::new);
    }
}
