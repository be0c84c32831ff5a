package io.clientele.customer.domain.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.customer.domain.CustomerDraft;
import io.clientele.customer.domain.CustomerKind;
import io.clientele.customer.domain.EmailAddress;
import io.clientele.customer.domain.LifecycleStage;

class MatchScorerTest {

    private static MatchProfile person(String first, String last, String email, String externalId) {
        return MatchProfile.of(new CustomerDraft(CustomerKind.PERSON, first, last, null, null,
                email == null ? List.of() : List.of(new EmailAddress(email, null, true)), List.of(), List.of(),
                Map.of(), null, LifecycleStage.LEAD, externalId));
    }

    private static MatchProfile company(String name) {
        return MatchProfile.of(new CustomerDraft(CustomerKind.COMPANY, null, null, name, null, List.of(), List.of(),
                List.of(), Map.of(), null, LifecycleStage.LEAD, null));
    }

    @Test
    void namesInAnyScriptBecomeTheSameTokens() {
        assertEquals(List.of("wang", "xiaoming"), NameKeys.tokens("王小明"));
        assertEquals(List.of("ouyang", "nana"), NameKeys.tokens("欧阳娜娜"));
        assertEquals(List.of("xiaoming"), NameKeys.partTokens("小明"));
        assertEquals(List.of("ivan", "petrov"), NameKeys.tokens("Иван Петров"));
        assertEquals(List.of("jose", "muller"), NameKeys.tokens("José Müller"));
        assertEquals(List.of("beijingkeji"), NameKeys.companyTokens("北京科技有限公司"));
        assertEquals(List.of("acme"), NameKeys.companyTokens("ACME GmbH"));
        assertEquals(person("小明", "王", null, null).keys(), person(null, "王小明", null, null).keys());
        assertEquals(person("Xiaoming", "Wang", null, null).keys(), person("小明", "王", null, null).keys());
        assertEquals(person("Wang", "Xiaoming", null, null).keys(), person("小明", "王", null, null).keys());
    }

    @Test
    void blockingKeysSurviveSwapsTyposAndSplits() {
        MatchProfile ada = person("Ada", "Lovelace", null, null);
        // Word order does not matter: the sorted-token and phonetic-pair keys are the same.
        assertEquals(ada.keys(), person("Lovelace", "Ada", null, null).keys());
        // One typo of any kind in a name still shares a one-deletion key.
        for (String typo : List.of("Lovelase", "Lovelacee", "Loevlace", "Lovlace")) {
            assertTrue(person("Ada", typo, null, null).keys().stream().anyMatch(ada.keys()::contains), typo);
        }
        assertTrue(person("Adda", "Lovelace", null, null).keys().stream().anyMatch(ada.keys()::contains));
        // Split or joined words meet on the joined key.
        assertTrue(person("Anne Marie", "Smith", null, null).keys().contains("pj:annemariesmith"));
        assertTrue(person("Annemarie", "Smith", null, null).keys().contains("pj:annemariesmith"));
        // People and companies never share a block.
        assertTrue(company("Ada Lovelace").keys().stream().noneMatch(ada.keys()::contains));
    }

    @Test
    void evidenceCombinesAndDisagreementLowersTheScore() {
        MatchProfile ada = person("Ada", "Lovelace", "ada@example.com", null);
        MatchScore same = MatchScorer.score(person("Ada", "Lovelace", "ada@example.com", null), ada, 1.0);
        assertEquals(0.975, same.score());
        assertEquals(List.of("emails", "name"), same.reasons().stream().map(MatchReason::field).toList());

        MatchScore nameOnly = MatchScorer.score(person("Ada", "Lovelace", null, null), ada, 1.0);
        assertEquals(0.75, nameOnly.score());

        MatchScore phonetic = MatchScorer.score(person("Adda", "Lovelace", null, null), ada, 0.6);
        assertEquals("phonetic", phonetic.reasons().get(0).method());

        // A shared mailbox with a different name is not a likely duplicate.
        MatchScore mailbox = MatchScorer.score(person("Grace", "Hopper", "ada@example.com", null), ada, 0.05);
        assertEquals(0.45, mailbox.score());

        // Different external ids halve the score.
        MatchScore ids = MatchScorer.score(person("Ada", "Lovelace", null, "a"),
                person("Ada", "Lovelace", null, "b"), 1.0);
        assertEquals(0.375, ids.score());
        assertNotEquals(0, ids.reasons().stream().filter(r -> r.weight() < 0).count());
    }
}
