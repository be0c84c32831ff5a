package io.clientele.customer.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.customer.imports.CustomerImport;
import io.clientele.customer.imports.ImportErrorEntry;
import io.clientele.customer.imports.ImportFile;
import io.clientele.customer.imports.ImportFormat;
import io.clientele.customer.imports.ImportMapping;
import io.clientele.customer.imports.ImportOptions;
import io.clientele.customer.imports.ImportService;
import io.clientele.customer.imports.ImportView;
import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemMappers;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.http.ETags;
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.QueryField;
import io.clientele.platform.query.QuerySchema;
import io.clientele.platform.security.Caller;
import io.clientele.platform.security.CallerContext;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.mutiny.core.Vertx;

/** REST edge of bulk imports: {@code /v1/imports} (docs/imports.md). */
@Path("/v1/imports")
@Produces(MediaType.APPLICATION_JSON)
public class ImportResource {

    static final String CSV = "text/csv";
    static final String NDJSON = "application/x-ndjson";

    static final QuerySchema<CustomerImport> SCHEMA = QuerySchema.<CustomerImport>builder()
            .idField("id", "id", j -> j.id)
            .field(QueryField.<CustomerImport>of("status", "status", FieldType.ENUM)
                    .enumValues("queued", "running", "completed", "failed", "cancelled"))
            .field(QueryField.<CustomerImport>of("format", "format", FieldType.ENUM).enumValues("csv", "ndjson"))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, j -> j.createdAt)
            .build();

    static final QuerySchema<ImportErrorEntry> ERRORS = QuerySchema.<ImportErrorEntry>builder()
            .idField(QueryField.<ImportErrorEntry>of("id", "seq", FieldType.NUMBER).filterable(false)
                    .sortable(ImportErrorEntry::seq))
            .build();

    /** The most error lines a CSV report download holds. */
    static final int MAX_REPORT = 1_000_000;

    private final ImportService imports;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final ClienteleConfig.Imports config;

    ImportResource(ImportService imports, CallerContext callers, Idempotency idempotency, Pager pager,
            ObjectMapper json, Vertx vertx, ClienteleConfig config) {
        this.imports = imports;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.json = json;
        this.vertx = vertx;
        this.config = config.imports();
    }

    /** Multipart upload: a {@code file} part and an {@code options} part (JSON). */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @PermissionsAllowed("customers:import")
    public Uni<Response> upload(@RestForm("file") FileUpload file, @RestForm("options") String options,
            @HeaderParam(Idempotency.HEADER) String key, HttpServerRequest request) {
        if (file == null) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "a 'file' part is required");
        }
        ImportOptions parsed = options(options);
        String fileName = file.fileName() == null || file.fileName().isBlank() ? null : file.fileName();
        return submit(() -> read(file), parsed, fileName, key, request);
    }

    /** Raw upload: the body is the file; options are query parameters (the header names the fields). */
    @POST
    @Consumes({ CSV, NDJSON })
    @PermissionsAllowed("customers:import")
    public Uni<Response> uploadRaw(byte[] body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @QueryParam("duplicatePolicy") String duplicatePolicy, @QueryParam("matchOn") String matchOn,
            @QueryParam("defaultRegion") String defaultRegion, @QueryParam("fileName") String fileName,
            @QueryParam("fuzzy") String fuzzy,
            @HeaderParam(Idempotency.HEADER) String key, HttpServerRequest request) {
        String format = contentType != null && contentType.toLowerCase().startsWith(NDJSON) ? "ndjson" : "csv";
        List<String> keys = matchOn == null ? null : Arrays.stream(matchOn.split(",")).map(String::strip).toList();
        ImportOptions options = new ImportOptions(format, null, null, defaultRegion, duplicatePolicy, keys, fuzzy);
        byte[] bytes = body == null ? new byte[0] : body;
        return submit(() -> bytes, options, fileName, key, request);
    }

    private Uni<Response> submit(java.util.function.Supplier<byte[]> content, ImportOptions options, String fileName,
            String key, HttpServerRequest request) {
        ImportFormat format = ImportMapping.formatOf(options);
        if (format == null) {
            // Reports the format (and any other option problem) before the file is read.
            ImportMapping.of(options, null);
        }
        int chunkRows = config.chunkRows();
        long max = config.maxUploadBytes();
        return callers.current().chain(caller -> vertx.executeBlocking(Uni.createFrom().item(() -> {
            byte[] bytes = content.get();
            if (bytes.length > max) {
                throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "the file exceeds " + max + " bytes");
            }
            ImportFile file = ImportFile.read(bytes, format, chunkRows);
            ImportMapping.of(options, file.header());
            return file;
        })).chain(file -> {
            // Retries are recognised by the file's content and the options, not by the multipart framing.
            Map<String, Object> fingerprint = Map.of("sha256", file.sha256(), "options", options,
                    "fileName", fileName == null ? "" : fileName);
            return idempotency.run(caller, key, "POST /v1/imports", fingerprint,
                    () -> imports.submit(caller, RequestIds.of(request), file, options, fileName)
                            .map(job -> Response.accepted(view(job))
                                    .location(URI.create("/v1/imports/" + job.id)).tag(ETags.tag(job.version))
                                    .build()));
        }));
    }

    @GET
    @PermissionsAllowed("customers:import")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<CustomerImport> page = pager.request("imports", SCHEMA, filter, sort, "-createdAt", limit, cursor);
        return callers.current()
                .chain(caller -> imports.list(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, this::view)).build());
    }

    @GET
    @Path("/{id}")
    @PermissionsAllowed("customers:import")
    public Uni<Response> get(@PathParam("id") String id) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> imports.get(caller, uuid))
                .map(job -> Response.ok(view(job)).tag(ETags.tag(job.version)).build());
    }

    /**
     * The per-row error report in file order: JSON pages, or the whole report as CSV with
     * {@code Accept: text/csv} or {@code ?format=csv}.
     */
    @GET
    @Path("/{id}/errors")
    @Produces({ MediaType.APPLICATION_JSON, CSV })
    @PermissionsAllowed("customers:import")
    public Uni<Response> errors(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @QueryParam("format") String format,
            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        UUID uuid = Params.uuid(id);
        boolean csv = format != null ? csvFormat(format) : accept != null && accept.contains(CSV)
                && !accept.contains(MediaType.APPLICATION_JSON);
        if (csv) {
            PageRequest<ImportErrorEntry> all = pager.request("import-errors:" + uuid, ERRORS, null, null, "id", null,
                    null);
            return callers.current()
                    .chain(caller -> imports.errors(caller, uuid, all.where(), all.orderBy(), MAX_REPORT))
                    .map(rows -> Response.ok(report(rows), CSV + "; charset=UTF-8")
                            .header("Content-Disposition", "attachment; filename=\"import-" + uuid + "-errors.csv\"")
                            .build());
        }
        PageRequest<ImportErrorEntry> page = pager.request("import-errors:" + uuid, ERRORS, null, null, "id", limit,
                cursor);
        return callers.current()
                .chain(caller -> imports.errors(caller, uuid, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, ImportResource::errorItem), MediaType.APPLICATION_JSON)
                        .build());
    }

    @POST
    @Path("/{id}/cancel")
    @PermissionsAllowed("customers:import")
    public Uni<Response> cancel(@PathParam("id") String id, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/imports/" + uuid + "/cancel",
                Map.of(), () -> imports.cancel(caller, RequestIds.of(request), uuid)
                        .map(job -> Response.ok(view(job)).tag(ETags.tag(job.version)).build())));
    }

    private static boolean csvFormat(String format) {
        return switch (format) {
            case "csv" -> true;
            case "json" -> false;
            default -> throw ProblemException.invalidParameter("format must be json or csv");
        };
    }

    private ImportOptions options(String options) {
        if (options == null || options.isBlank()) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST,
                    "an 'options' part (JSON, at least {\"format\": \"csv\"}) is required");
        }
        try {
            return json.readValue(options, ImportOptions.class);
        } catch (JsonProcessingException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "options: " + ProblemMappers.describe(e));
        }
    }

    private static byte[] read(FileUpload file) {
        try {
            return Files.readAllBytes(file.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ImportView view(CustomerImport job) {
        return ImportView.of(job, TenantRecord.now());
    }

    private static Map<String, Object> errorItem(ImportErrorEntry e) {
        Map<String, Object> item = new java.util.LinkedHashMap<>();
        item.put("row", e.row());
        if (e.line() != null) {
            item.put("line", e.line());
        }
        if (e.field() != null) {
            item.put("field", e.field());
        }
        if (e.column() != null) {
            item.put("column", e.column());
        }
        item.put("reason", e.reason());
        if (e.value() != null) {
            item.put("value", e.value());
        }
        if (e.duplicateOf() != null) {
            item.put("duplicateOf", e.duplicateOf().toString());
        }
        return item;
    }

    /** RFC 4180 CSV with a header; every field quoted, so commas, quotes and newlines survive. */
    static String report(List<ImportErrorEntry> rows) {
        StringBuilder out = new StringBuilder(64 + rows.size() * 80);
        out.append("row,line,field,column,reason,value\r\n");
        for (ImportErrorEntry e : rows) {
            out.append(e.row()).append(',').append(e.line() == null ? "" : e.line()).append(',');
            quote(out, e.field()).append(',');
            quote(out, e.column()).append(',');
            quote(out, e.reason()).append(',');
            quote(out, e.value()).append("\r\n");
        }
        return out.toString();
    }

    private static StringBuilder quote(StringBuilder out, String value) {
        if (value == null) {
            return out;
        }
        return out.append('"').append(value.replace("\"", "\"\"")).append('"');
    }

}
