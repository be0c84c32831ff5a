package io.clientele.platform.history;

/** Where a change came from; recorded with every history entry. */
public enum ChangeSource {
    API, IMPORT, INTAKE, MERGE, SYSTEM;

    public String apiName() {
        return name().toLowerCase();
    }
}
