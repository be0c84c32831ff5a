package io.clientele.customer.domain;

import java.util.Arrays;
import java.util.List;

/** The customer's stage in the relationship, in the order a customer usually moves through them. */
public enum LifecycleStage {
    SUBSCRIBER, LEAD, MARKETING_QUALIFIED, SALES_QUALIFIED, OPPORTUNITY, CUSTOMER, EVANGELIST, OTHER;

    public static final List<String> API_NAMES = Arrays.stream(values()).map(LifecycleStage::apiName).toList();

    public String apiName() {
        return name().toLowerCase();
    }
}
