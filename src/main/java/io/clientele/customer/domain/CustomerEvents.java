package io.clientele.customer.domain;

/** How a customer appears inside its events; implemented at the API edge so events and REST agree. */
public interface CustomerEvents {

    Object view(Customer customer);
}
