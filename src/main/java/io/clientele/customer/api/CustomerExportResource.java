package io.clientele.customer.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.clientele.customer.domain.Customer;
import io.clientele.customer.domain.CustomerExport;
import io.clientele.customer.domain.CustomerExport.Exported;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.export.ExportFormat;
import io.clientele.platform.export.Exports;
import io.clientele.platform.http.SparseFields;
import io.clientele.platform.query.FilterParser;
import io.clientele.platform.query.SortSpec;
import io.clientele.platform.query.SqlFilterCompiler;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.CallerContext;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Multi;

/**
 * {@code GET /v1/customers/export}: every customer matching a filter, streamed as CSV or NDJSON
 * (docs/export.md). No {@code @Produces}: the format is chosen here, from {@code format} or {@code Accept},
 * and Quarkus REST streams a {@code Multi} with one declared media type only.
 */
@Path("/v1/customers/export")
public class CustomerExportResource {

    private final CustomerExport export;
    private final CustomerMapper mapper;
    private final CallerContext callers;
    private final Exports exports;
    private final ObjectMapper json;
    private final SensitiveAccess access;

    CustomerExportResource(CustomerExport export, CustomerMapper mapper, CallerContext callers, Exports exports,
            ObjectMapper json, SensitiveAccess access) {
        this.access = access;
        this.export = export;
        this.mapper = mapper;
        this.callers = callers;
        this.exports = exports;
        this.json = json;
    }

    @GET
    @PermissionsAllowed("customers:export")
    public Multi<byte[]> export(@QueryParam("format") String format, @QueryParam("filter") String filter,
            @QueryParam("sort") String sort, @QueryParam("fields") String fields, @QueryParam("bom") String bom,
            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        // Everything the client can get wrong is checked before the response starts, so it gets a 400 problem.
        ExportFormat chosen = ExportFormat.choose(format, accept);
        SqlFragment where = SqlFilterCompiler.compile(FilterParser.parse(filter), CustomerQueries.SCHEMA);
        String orderBy = SortSpec.parse(sort, CustomerQueries.SCHEMA, "createdAt").orderBy();
        boolean withBom = flag("bom", bom);
        // Known once the caller is resolved, before the first record is encoded.
        java.util.concurrent.atomic.AtomicBoolean reveal = new java.util.concurrent.atomic.AtomicBoolean();
        Exports.Encoder<Exported> encoder;
        boolean tags;
        if (chosen == ExportFormat.CSV) {
            CustomerCsv csv = CustomerCsv.of(fields, withBom, json, c -> mapper.sensitiveFields(c, reveal.get()));
            encoder = csv;
            tags = csv.needsTags();
        } else {
            if (withBom) {
                throw ProblemException.invalidParameter("bom applies to format=csv only; JSON text has no BOM");
            }
            encoder = ndjson(SparseFields.parse(fields, CustomerQueries.FIELDS), reveal);
            tags = false;
        }
        Multi<Exported> records = callers.current()
                .call(caller -> access.reveal(filter).invoke(reveal::set))
                .onItem().transformToMulti(caller -> export.stream(caller, where, orderBy, tags));
        return exports.download("customers", chosen, records, encoder);
    }

    /** One customer per line, in the representation of {@code GET /v1/customers/{id}}. */
    private Exports.Encoder<Exported> ndjson(SparseFields sparse, java.util.concurrent.atomic.AtomicBoolean reveal) {
        ObjectWriter writer = json.writer();
        return new Exports.Encoder<>() {
            @Override
            public String preamble() {
                return "";
            }

            @Override
            public void append(StringBuilder out, Exported record) {
                Customer c = record.customer();
                CustomerView full = mapper.toView(c, reveal.get());
                Object view = sparse.all() ? full : sparse.apply(json.valueToTree(full));
                try {
                    out.append(writer.writeValueAsString(view)).append('\n');
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("customer " + c.id + " cannot be written as JSON", e);
                }
            }
        };
    }

    private static boolean flag(String name, String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ProblemException.invalidParameter(name + " must be true or false");
    }
}
