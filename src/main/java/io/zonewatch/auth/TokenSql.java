package io.zonewatch.auth;

import io.zonewatch.db.AdvisoryLock;

/** All SQL of the tokens feature. */
final class TokenSql {
    private TokenSql() {
    }

    static final String FIND_ACTIVE_BY_HASH = """
            SELECT id, name, role, platform_code, secret_sha256
            FROM api_token
            WHERE secret_sha256 = $1 AND revoked_at IS NULL
            """;

    static final String INSERT = """
            INSERT INTO api_token (name, role, platform_code, secret_sha256, created_by)
            VALUES ($1, $2, $3, $4, $5)
            RETURNING id, created_at
            """;

    static final String FIND_BY_ID = """
            SELECT id, name, role, platform_code, created_at, revoked_at
            FROM api_token WHERE id = $1
            """;

    static final String LIST = """
            SELECT id, name, role, platform_code, created_at, revoked_at
            FROM api_token ORDER BY id
            """;

    static final String REVOKE = """
            UPDATE api_token SET revoked_at = now()
            WHERE id = $1 AND revoked_at IS NULL
            RETURNING id
            """;

    static final String COUNT_OTHER_ACTIVE_ADMINS = """
            SELECT count(*) FROM api_token
            WHERE role = 'admin' AND revoked_at IS NULL AND id <> $1
            """;

    static final String COUNT_ACTIVE_ADMINS = """
            SELECT count(*) FROM api_token WHERE role = 'admin' AND revoked_at IS NULL
            """;

    static final String PLATFORM_EXISTS = "SELECT 1 FROM platform WHERE code = $1";

    /** Serialises admin bootstrap and revocations across service instances. */
    static final String REVOKED_AT = "SELECT revoked_at FROM api_token WHERE secret_sha256 = $1";
    static final String LOCK_BOOTSTRAP = AdvisoryLock.TOKEN_BOOTSTRAP.xact();
}
