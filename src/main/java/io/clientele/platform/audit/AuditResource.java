package io.clientele.platform.audit;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.clientele.platform.export.CsvWriter;
import io.clientele.platform.export.ExportFormat;
import io.clientele.platform.export.Exports;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.query.FilterParser;
import io.clientele.platform.query.SortSpec;
import io.clientele.platform.query.SqlFilterCompiler;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.CallerContext;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** {@code /v1/audit}: the caller's tenant's audit log, newest first, with the shared filter/sort/cursor grammar. */
@Path("/v1/audit")
public class AuditResource {

    private static final String DEFAULT_SORT = "-occurredAt";

    private final AuditRepository audit;
    private final CallerContext callers;
    private final Pager pager;
    private final Exports exports;
    private final ObjectMapper json;

    AuditResource(AuditRepository audit, CallerContext callers, Pager pager, Exports exports, ObjectMapper json) {
        this.audit = audit;
        this.callers = callers;
        this.pager = pager;
        this.exports = exports;
        this.json = json;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("audit:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<AuditEntry> page = pager.request("audit", AuditRepository.SCHEMA, filter, sort, DEFAULT_SORT,
                limit, cursor);
        return callers.current()
                .chain(caller -> audit.page(caller.tenantId(), page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, e -> e)).build());
    }

    /** Every matching entry as CSV or NDJSON, streamed (docs/export.md). */
    @GET
    @Path("/export")
    @PermissionsAllowed("audit:read")
    public Multi<byte[]> export(@QueryParam("format") String format, @QueryParam("filter") String filter,
            @QueryParam("sort") String sort, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        ExportFormat chosen = ExportFormat.choose(format, accept);
        SqlFragment where = SqlFilterCompiler.compile(FilterParser.parse(filter), AuditRepository.SCHEMA);
        String orderBy = SortSpec.parse(sort, AuditRepository.SCHEMA, DEFAULT_SORT).orderBy();
        Multi<AuditEntry> records = callers.current()
                .onItem().transformToMulti(caller -> audit.stream(caller.tenantId(), where, orderBy));
        return exports.download("audit", chosen, records, chosen == ExportFormat.CSV ? csv() : ndjson());
    }

    private static Exports.Encoder<AuditEntry> csv() {
        CsvWriter header = new CsvWriter();
        for (String name : new String[] { "id", "occurredAt", "actor", "clientId", "action", "method", "target",
                "status", "outcome", "sourceIp", "requestId", "reason" }) {
            header.text(name);
        }
        header.endRecord();
        String preamble = header.buffer().toString();
        return new Exports.Encoder<>() {
            @Override
            public String preamble() {
                return preamble;
            }

            @Override
            public void append(StringBuilder out, AuditEntry e) {
                new CsvWriter(out).number(e.id()).text(e.occurredAt().toString()).text(e.actor()).text(e.clientId())
                        .text(e.action()).text(e.method()).text(e.target()).number(e.status() == null ? null : e.status().toString()).text(e.outcome())
                        .text(e.sourceIp()).text(e.requestId()).text(e.reason()).endRecord();
            }
        };
    }

    private Exports.Encoder<AuditEntry> ndjson() {
        ObjectWriter writer = json.writer();
        return new Exports.Encoder<>() {
            @Override
            public String preamble() {
                return "";
            }

            @Override
            public void append(StringBuilder out, AuditEntry e) {
                try {
                    out.append(writer.writeValueAsString(e)).append('\n');
                } catch (JsonProcessingException ex) {
                    throw new IllegalStateException("audit entry " + e.id() + " cannot be written as JSON", ex);
                }
            }
        };
    }
}
