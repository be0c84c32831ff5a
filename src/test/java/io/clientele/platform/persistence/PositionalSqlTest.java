package io.clientele.platform.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.platform.query.FilterParser;
import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.QuerySchema;
import io.clientele.platform.query.SqlFilterCompiler;
import io.clientele.platform.query.SqlFragment;
import io.vertx.sqlclient.data.Numeric;

class PositionalSqlTest {

    @Test
    void namedParametersBecomeNumberedInOrderOfFirstUse() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("q_1", "a");
        params.put("tenant", "t1");
        PositionalSql sql = PositionalSql.of("SELECT 1 FROM x WHERE tenant_id = :tenant AND (name = :q_1 OR alias = :q_1)"
                + " AND CAST(y AS text) = 'a:b' AND z::text = :tenant", params);
        assertEquals("SELECT 1 FROM x WHERE tenant_id = $1 AND (name = $2 OR alias = $2)"
                + " AND CAST(y AS text) = 'a:b' AND z::text = $1", sql.sql());
        assertEquals(List.of("t1", "a"), sql.values());
    }

    @Test
    void compiledFiltersKeepTheirMeaning() {
        QuerySchema<Object> schema = QuerySchema.builder().idField("id", "id", o -> o)
                .field("name", "name", FieldType.STRING).jsonAttributes("attributes", "attributes").build();
        SqlFragment where = SqlFilterCompiler.compile(FilterParser.parse("name=like=a*;attributes.n=gt=1.5"), schema);
        PositionalSql sql = PositionalSql.of(where.sql(), where.params());
        assertTrue(!sql.sql().contains(":q_"), sql.sql());
        assertEquals(where.params().size(), sql.values().size());
        Object decimal = sql.tuple().getValue(sql.values().size() - 1);
        assertEquals(Numeric.create(new BigDecimal("1.5")), decimal, "decimals are bound as the driver's Numeric");
    }

    @Test
    void everyParameterMustBeUsedAndEveryNameBound() {
        assertThrows(IllegalArgumentException.class, () -> PositionalSql.of("SELECT :a", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> PositionalSql.of("SELECT 1", Map.of("a", 1)));
    }
}
