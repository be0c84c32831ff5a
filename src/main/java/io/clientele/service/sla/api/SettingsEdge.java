package io.clientele.service.sla.api;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

import jakarta.ws.rs.core.Response;

import io.clientele.platform.http.ETags;
import io.clientele.platform.http.ETags.Precondition;
import io.clientele.platform.http.Params;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.json.MergePatcher;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.query.QuerySchema;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.clientele.platform.security.CallerContext;
import io.smallrye.mutiny.Uni;

/**
 * The create/list/get/patch/delete edge that SLA calendars and policies share: idempotent create with a
 * Location and ETag, cursor-paged lists, conditional reads, If-Match merge patches and deletes. The
 * resource keeps the JAX-RS methods (paths, permissions, the contract); this holds the one copy of their body.
 *
 * @param <E> the stored entity
 * @param <I> the API input (what a merge patch is applied to)
 * @param <D> the validated draft the service takes
 */
final class SettingsEdge<E, I, D> {

    /** The service's use cases for one kind of setting (method references into SlaSettings). */
    record Service<E, D>(Create<E, D> create, Lister<E> list, Getter<E> get, Updater<E, D> update, Deleter delete) {
    }

    @FunctionalInterface
    interface Create<E, D> {
        Uni<E> apply(Caller caller, String requestId, D draft);
    }

    @FunctionalInterface
    interface Lister<E> {
        Uni<List<E>> apply(Caller caller, SqlFragment where, String orderBy, int limit);
    }

    @FunctionalInterface
    interface Getter<E> {
        Uni<E> apply(Caller caller, UUID id);
    }

    @FunctionalInterface
    interface Updater<E, D> {
        Uni<E> apply(Caller caller, String requestId, UUID id, Precondition precondition, UnaryOperator<D> change);
    }

    @FunctionalInterface
    interface Deleter {
        Uni<Void> apply(Caller caller, String requestId, UUID id, Precondition precondition);
    }

    /** How the edge sees an entity and its input. */
    record Shape<E, I, D>(String path, String pageScope, QuerySchema<E> schema, String defaultSort,
            Class<I> inputType, Function<D, I> inputOf, Function<I, D> toDraft, Function<E, UUID> id,
            ToLongFunction<E> version, Function<E, Map<String, Object>> view) {
    }

    private final Shape<E, I, D> shape;
    private final Service<E, D> service;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final MergePatcher patcher;

    SettingsEdge(Shape<E, I, D> shape, Service<E, D> service, CallerContext callers, Idempotency idempotency,
            Pager pager, MergePatcher patcher) {
        this.shape = shape;
        this.service = service;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.patcher = patcher;
    }

    Uni<Response> create(I body, String idempotencyKey, String requestId) {
        Params.requireBody(body);
        return callers.current().chain(caller -> idempotency.run(caller, idempotencyKey, "POST " + shape.path(), body,
                () -> service.create().apply(caller, requestId, shape.toDraft().apply(body))
                        .map(e -> Response.created(URI.create(shape.path() + "/" + shape.id().apply(e)))
                                .tag(ETags.tag(shape.version().applyAsLong(e))).entity(shape.view().apply(e))
                                .build())));
    }

    Uni<Response> list(String filter, String sort, String limit, String cursor) {
        PageRequest<E> page = pager.request(shape.pageScope(), shape.schema(), filter, sort, shape.defaultSort(),
                limit, cursor);
        return callers.current().chain(caller -> service.list().apply(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, e -> shape.view().apply(e))).build());
    }

    Uni<Response> get(String id, String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> service.get().apply(caller, uuid))
                .map(e -> ETags.read(ifNoneMatch, shape.version().applyAsLong(e), () -> shape.view().apply(e)));
    }

    Uni<Response> update(String id, String body, String ifMatch, String requestId) {
        UUID uuid = Params.uuid(id);
        var patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> service.update().apply(caller, requestId, uuid, precondition, current -> shape.toDraft()
                        .apply(patcher.apply(shape.inputOf().apply(current), patch, shape.inputType()))))
                .map(e -> Response.ok(shape.view().apply(e)).tag(ETags.tag(shape.version().applyAsLong(e))).build());
    }

    Uni<Response> delete(String id, String ifMatch, String requestId) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current().chain(caller -> service.delete().apply(caller, requestId, uuid, precondition))
                .replaceWith(Response.noContent().build());
    }
}
