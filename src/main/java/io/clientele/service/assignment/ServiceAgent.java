package io.clientele.service.assignment;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.clientele.platform.persistence.TenantRecord;

/** A user's profile as a service agent: how many open tickets they take, what they know, whether they work now. */
@Entity
@Table(name = "service_agent")
public class ServiceAgent extends TenantRecord {

    /** The user's token subject, as team members and ticket assignees name them. */
    @Column(nullable = false, updatable = false)
    public String subject;

    @Column(name = "display_name")
    public String displayName;

    @Column(nullable = false)
    public int capacity;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] skills = new String[0];

    @Column(nullable = false)
    public boolean available;
}
