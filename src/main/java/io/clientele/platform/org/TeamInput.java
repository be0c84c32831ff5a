package io.clientele.platform.org;

import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.org.Teams.TeamDraft;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of a team create, and the document a team merge patch applies to. */
@RegisterForReflection
public record TeamInput(String name, String description) {

    TeamDraft toDraft() {
        ValidationErrors errors = new ValidationErrors();
        String checkedName = errors.requiredText("/name", name, 100);
        String checkedDescription = errors.text("/description", description, 1000);
        errors.throwIfAny();
        return new TeamDraft(checkedName, checkedDescription);
    }
}
