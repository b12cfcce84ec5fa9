package io.zonewatch.auth;

import java.util.Locale;

public enum Role {
    BUREAU, LEADER, PLATFORM, ADMIN;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role for a code, or null when the code names none. */
    public static Role of(String code) {
        if (code == null) return null;
        for (Role r : values()) {
            if (r.code().equals(code)) return r;
        }
        return null;
    }
}
