package io.clientele.platform.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;

class ETagsTest {

    @Test
    void ifMatchIsRequiredAndCompared() {
        assertEquals(ProblemType.PRECONDITION_REQUIRED,
                assertThrows(ProblemException.class, () -> ETags.requireIfMatch(null)).type());
        ETags.requireIfMatch("\"3\"").check(3);
        ETags.requireIfMatch("\"1\", \"3\"").check(3);
        ETags.requireIfMatch("*").check(42);
        assertEquals(ProblemType.PRECONDITION_FAILED,
                assertThrows(ProblemException.class, () -> ETags.requireIfMatch("\"2\"").check(3)).type());
        // Weak tags never satisfy If-Match (strong comparison).
        assertThrows(ProblemException.class, () -> ETags.requireIfMatch("W/\"3\"").check(3));
        assertEquals(ProblemType.INVALID_PARAMETER,
                assertThrows(ProblemException.class, () -> ETags.requireIfMatch("3")).type());
    }

    @Test
    void ifNoneMatchUsesWeakComparison() {
        assertTrue(ETags.noneMatch("\"3\"", 3));
        assertTrue(ETags.noneMatch("W/\"3\"", 3));
        assertTrue(ETags.noneMatch("\"1\", \"3\"", 3));
        assertTrue(ETags.noneMatch("*", 3));
        assertFalse(ETags.noneMatch("\"4\"", 3));
        assertFalse(ETags.noneMatch(null, 3));
    }
}
