package io.zonewatch.auth;

/**
 * Who is calling: the token's id, name and role, and for platform tokens the one platform it may see.
 * {@link #SYSTEM} acts for the service itself (demo loading, scheduled work).
 */
public record Principal(Long tokenId, String name, Role role, String platformCode) {

    public static final Principal SYSTEM = new Principal(null, "system", Role.ADMIN, null);

    public boolean is(Role... roles) {
        for (Role r : roles) {
            if (role == r) return true;
        }
        return false;
    }

    /** Bureau, leader and admin tokens see every platform; a platform token only its own. */
    public boolean maySee(String platform) {
        return role != Role.PLATFORM || platformCode.equals(platform);
    }
}
