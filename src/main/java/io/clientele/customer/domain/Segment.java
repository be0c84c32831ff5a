package io.clientele.customer.domain;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.clientele.platform.persistence.TenantRecord;

/** A saved customer filter; its members are whoever matches the filter when it is read. */
@Entity
@Table(name = "segment")
public class Segment extends TenantRecord {

    @Column(nullable = false)
    public String name;

    public String description;

    @Column(nullable = false)
    public String filter;


    @Column(name = "created_by", updatable = false)
    public String createdBy;

    /** The representation shown by the API and carried by events (absent values left out). */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id.toString());
        view.put("name", name);
        if (description != null) {
            view.put("description", description);
        }
        view.put("filter", filter);
        view.put("version", version);
        view.put("createdAt", createdAt.toString());
        view.put("updatedAt", updatedAt.toString());
        return view;
    }
}
