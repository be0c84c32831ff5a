package io.clientele.customer.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class ContactPointsTest {

    @Test
    void emailsAreTrimmedAndLowerCased() {
        assertEquals(Optional.of("ada@example.com"), ContactPoints.email("  Ada@Example.COM "));
        assertEquals(Optional.of("o'brien+tag@sub.example.co.uk"), ContactPoints.email("O'Brien+tag@sub.example.co.uk"));
        assertEquals(Optional.of("用户@例子.中国"), ContactPoints.email("用户@例子.中国"));
    }

    @Test
    void implausibleEmailsAreRejected() {
        for (String bad : new String[] { "", "plain", "@example.com", "a@", "a@b", "a@@b.com", "a b@c.com",
                "a..b@c.com", ".a@c.com", "a@-c.com", "a@c.c", "x".repeat(65) + "@c.com" }) {
            assertTrue(ContactPoints.email(bad).isEmpty(), bad);
        }
    }

    @Test
    void phonesBecomeE164() {
        assertEquals(Optional.of("+14155552671"), ContactPoints.phone("+1 (415) 555-2671", null));
        assertEquals(Optional.of("+14155552671"), ContactPoints.phone("(415) 555-2671", "us"));
        assertEquals(Optional.of("+442079460018"), ContactPoints.phone("020 7946 0018", "GB"));
        assertEquals(Optional.of("+8613800138000"), ContactPoints.phone("138 0013 8000", "CN"));
    }

    @Test
    void invalidPhonesAreRejected() {
        assertTrue(ContactPoints.phone("12345", null).isEmpty());
        assertTrue(ContactPoints.phone("(415) 555-2671", null).isEmpty(), "no country code and no region");
        assertTrue(ContactPoints.phone("+1 555", null).isEmpty());
        assertTrue(ContactPoints.phone("not a number", "US").isEmpty());
        assertTrue(ContactPoints.phone("1".repeat(41), "US").isEmpty());
    }
}
