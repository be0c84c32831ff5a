package io.clientele.service.assignment;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.clientele.platform.persistence.TenantRecord;

/** Routes matching tickets to a team, where {@code strategy} picks the agent. Rules apply in position order. */
@Entity
@Table(name = "assignment_rule")
public class AssignmentRule extends TenantRecord {

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public int position;

    @Column(nullable = false)
    public boolean enabled;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public RuleConditions conditions = RuleConditions.ANY;

    @Column(name = "team_id", nullable = false)
    public UUID teamId;

    @Column(nullable = false)
    public String strategy;

    /** Skills an agent must have all of (strategy skills). */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] skills = new String[0];

    public Strategy strategy() {
        return Strategy.valueOf(strategy.toUpperCase());
    }

    /** How an agent inside the team is chosen. */
    public enum Strategy {
        ROUND_ROBIN, LEAST_LOADED, SKILLS;

        public String apiName() {
            return name().toLowerCase();
        }

        public static Strategy parse(String value) {
            for (Strategy s : values()) {
                if (s.apiName().equals(value)) {
                    return s;
                }
            }
            return null;
        }
    }
}
