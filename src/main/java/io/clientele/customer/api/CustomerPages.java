package io.clientele.customer.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.customer.domain.Customer;
import io.clientele.customer.domain.CustomerQuery;
import io.clientele.customer.domain.CustomerService;
import io.clientele.platform.http.SparseFields;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.security.Caller;
import io.smallrye.mutiny.Uni;

/** One page of customers as a CustomerPage response; shared by the customer list and segment members. */
@ApplicationScoped
class CustomerPages {

    private final CustomerService customers;
    private final CustomerMapper mapper;
    private final Pager pager;
    private final ObjectMapper json;
    private final SensitiveAccess access;

    CustomerPages(CustomerService customers, CustomerMapper mapper, Pager pager, ObjectMapper json,
            SensitiveAccess access) {
        this.access = access;
        this.customers = customers;
        this.mapper = mapper;
        this.pager = pager;
        this.json = json;
    }

    /** {@code scope} binds cursors to the list they came from (see Pager). */
    Uni<Response> page(Caller caller, String scope, String filter, String sort, String limit, String cursor,
            String fields) {
        SparseFields sparse = SparseFields.parse(fields, CustomerQueries.FIELDS);
        PageRequest<Customer> page = pager.request(scope, CustomerQueries.SCHEMA, filter, sort, "createdAt", limit,
                cursor);
        return access.reveal(filter).chain(reveal -> customers.list(caller,
                new CustomerQuery(page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows,
                        c -> sparse.apply(json.valueToTree(mapper.toView(c, reveal))))).build()));
    }
}
