"""Settings read from the environment, in one place, each documented.

Why one table: the web shell, the CLI and the workers all read the same variables, and ``docs/settings.md`` is
checked against :data:`SETTINGS` by a test so that no variable exists without documentation.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mokmin.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, default (as text) and what it does."""

    name: str
    default: str
    doc: str


SETTINGS: tuple[Setting, ...] = (
    Setting("MOKMIN_HOME", "./var", "Directory for all data: SQLite database, job queue, keys, datasets, demo."),
    Setting("DATABASE_URL", "", "Relational store. Empty: SQLite at $MOKMIN_HOME/mokmin.sqlite3. "
            "postgres://user@host:5432/name for PostgreSQL."),
    Setting("REDIS_URL", "", "Job queue. Empty: an SQLite queue under $MOKMIN_HOME. redis://host:6379/0 for Redis."),
    Setting("MOKMIN_SECRET_KEY", "", "Django secret key. Empty: generated once and kept in $MOKMIN_HOME/keys/."),
    Setting("MOKMIN_DEBUG", "0", "1 shows Django debug pages. Never in production."),
    Setting("MOKMIN_PRODUCTION", "0", "1 turns on production hardening: secure cookies, HSTS, no debug."),
    Setting("MOKMIN_ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names the server answers to."),
    Setting("MOKMIN_CSRF_TRUSTED_ORIGINS", "",
            "Comma-separated origins (scheme://host) trusted for CSRF behind a proxy."),
    Setting("MOKMIN_LANGUAGE", "ko", "Default language of the interface: ko or en."),
    Setting("MOKMIN_TIME_ZONE", "Asia/Seoul", "Time zone for display and for date boundaries."),
    Setting("MOKMIN_LOGIN_MAX_FAILURES", "5", "Failed logins in a row before the account is locked."),
    Setting("MOKMIN_LOGIN_LOCKOUT_MINUTES", "10", "How long a locked account stays locked."),
    Setting("MOKMIN_SESSION_TIMEOUT_MINUTES", "30", "Idle minutes after which a session ends."),
    Setting("MOKMIN_ACCESS_LOG_RETENTION_DAYS", "730", "Days the personal-data access log is kept (at least 730)."),
    Setting("MOKMIN_KEY_DIR", "", "Directory of secret keys (audit chain, pseudonymisation). Empty: $MOKMIN_HOME/keys."
            " Keep it outside the database and its backups."),
    Setting("MOKMIN_JOB_KINDS", "", "Extra job kinds, as name=module:function pairs separated by commas (plugins)."),
    Setting("MOKMIN_STALE_JOB_SECONDS", "60",
            "A running job whose heartbeat is older than this is marked interrupted."),
    Setting("MOKMIN_TILE_URL", "", "Optional intranet map tile server (XYZ template). Empty: dong boundaries only."),
    Setting("MOKMIN_SMALL_COUNT_THRESHOLD", "5", "Counts below this (but above 0) are blanked in summary exports "
            "when suppression is asked for, so small cells cannot identify people."),
    Setting("MOKMIN_ENGINE", "duckdb", "Analytical engine for heavy steps: duckdb (embedded) or spark."),
    Setting("MOKMIN_SPARK_MASTER", "local[2]", "Spark master URL when MOKMIN_ENGINE=spark (e.g. spark://host:7077)."),
    Setting("MOKMIN_LEDGER_ORIGIN", "mokmin.local/evaluation", "Name of the evaluation log in its signed checkpoints "
            "(C2SP origin, no spaces or '+'), e.g. mokmin.yeongdeungpo.go.kr/evaluation. Its Ed25519 signing key is "
            "made on first use in $MOKMIN_KEY_DIR/ledger-log.note-key."),
    Setting("MOKMIN_LEDGER_WITNESSES", "", "Comma-separated witness URLs (python -m mokmin.ledger.witness serve, e.g. "
            "the audit office's) asked to cosign every checkpoint; each key is pinned on first contact."),
    Setting("MOKMIN_LEDGER_WITNESS_QUORUM", "", "Cosignatures a checkpoint needs to count as witnessed. Empty: every "
            "configured witness."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    """Typed view of the settings. Build it with :func:`load`; it never reads the environment itself."""

    home: Path
    database_url: str
    redis_url: str
    secret_key: str
    debug: bool
    production: bool
    allowed_hosts: tuple[str, ...]
    csrf_trusted_origins: tuple[str, ...]
    language: str
    time_zone: str
    login_max_failures: int
    login_lockout_minutes: int
    session_timeout_minutes: int
    access_log_retention_days: int
    key_dir: Path
    job_kinds: Mapping[str, str] = field(default_factory=dict)
    stale_job_seconds: int = 60
    tile_url: str = ""
    small_count_threshold: int = 5
    engine: str = "duckdb"
    spark_master: str = "local[2]"
    ledger_origin: str = "mokmin.local/evaluation"
    ledger_witnesses: tuple[str, ...] = ()
    ledger_witness_quorum: int | None = None

    @property
    def sqlite_path(self) -> Path:
        return self.home / "mokmin.sqlite3"

    @property
    def queue_path(self) -> Path:
        return self.home / "queue.sqlite3"


def _raw(env: Mapping[str, str], name: str) -> str:
    return env.get(name, _BY_NAME[name].default)


def _int(env: Mapping[str, str], name: str, minimum: int) -> int:
    text = _raw(env, name).strip()
    try:
        value = int(text)
    except ValueError as exc:
        raise ConfigError(name, text, "정수여야 합니다 / must be an integer") from exc
    if value < minimum:
        raise ConfigError(name, text, f"{minimum} 이상이어야 합니다 / must be at least {minimum}")
    return value


def _bool(env: Mapping[str, str], name: str) -> bool:
    text = _raw(env, name).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(name, text, "1 또는 0이어야 합니다 / must be 1 or 0")


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _raw(env, name).split(",") if part.strip())


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = _raw(env, name).strip().lower()
    if value not in allowed:
        raise ConfigError(name, value, f"{', '.join(allowed)} 중 하나 / must be one of {', '.join(allowed)}")
    return value


def _job_kinds(env: Mapping[str, str]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for item in _list(env, "MOKMIN_JOB_KINDS"):
        name, sep, target = item.partition("=")
        if not sep or ":" not in target:
            raise ConfigError("MOKMIN_JOB_KINDS", item, "name=module:function 형식이어야 합니다 / "
                              "must be name=module:function")
        kinds[name.strip()] = target.strip()
    return kinds


def _ledger_origin(env: Mapping[str, str]) -> str:
    origin = _raw(env, "MOKMIN_LEDGER_ORIGIN").strip()
    if not origin or "+" in origin or any(ch.isspace() for ch in origin):
        raise ConfigError("MOKMIN_LEDGER_ORIGIN", origin, "공백과 '+' 없는 이름 / a name without spaces or '+'")
    return origin


def _secret_key(env: Mapping[str, str], key_dir: Path) -> str:
    given = _raw(env, "MOKMIN_SECRET_KEY")
    if given:
        return given
    path = key_dir / "django-secret.key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    key_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(value, encoding="ascii")
    tmp.chmod(0o600)
    os.replace(tmp, path)
    return value


def load(env: Mapping[str, str] | None = None) -> Config:
    """Read the settings from ``env`` (default: the process environment), validating each."""
    env = os.environ if env is None else env
    home = Path(_raw(env, "MOKMIN_HOME")).expanduser().resolve()
    key_dir = Path(_raw(env, "MOKMIN_KEY_DIR") or home / "keys").expanduser().resolve()
    language = _raw(env, "MOKMIN_LANGUAGE").strip() or "ko"
    if language not in {"ko", "en"}:
        raise ConfigError("MOKMIN_LANGUAGE", language, "ko 또는 en / must be ko or en")
    production = _bool(env, "MOKMIN_PRODUCTION")
    return Config(
        home=home,
        database_url=_raw(env, "DATABASE_URL").strip(),
        redis_url=_raw(env, "REDIS_URL").strip(),
        secret_key=_secret_key(env, key_dir),
        debug=_bool(env, "MOKMIN_DEBUG") and not production,
        production=production,
        allowed_hosts=_list(env, "MOKMIN_ALLOWED_HOSTS"),
        csrf_trusted_origins=_list(env, "MOKMIN_CSRF_TRUSTED_ORIGINS"),
        language=language,
        time_zone=_raw(env, "MOKMIN_TIME_ZONE").strip(),
        login_max_failures=_int(env, "MOKMIN_LOGIN_MAX_FAILURES", 1),
        login_lockout_minutes=_int(env, "MOKMIN_LOGIN_LOCKOUT_MINUTES", 1),
        session_timeout_minutes=_int(env, "MOKMIN_SESSION_TIMEOUT_MINUTES", 1),
        access_log_retention_days=_int(env, "MOKMIN_ACCESS_LOG_RETENTION_DAYS", 730),
        key_dir=key_dir,
        job_kinds=_job_kinds(env),
        stale_job_seconds=_int(env, "MOKMIN_STALE_JOB_SECONDS", 5),
        tile_url=_raw(env, "MOKMIN_TILE_URL").strip(),
        small_count_threshold=_int(env, "MOKMIN_SMALL_COUNT_THRESHOLD", 1),
        engine=_choice(env, "MOKMIN_ENGINE", ("duckdb", "spark")),
        spark_master=_raw(env, "MOKMIN_SPARK_MASTER").strip(),
        ledger_origin=_ledger_origin(env),
        ledger_witnesses=_list(env, "MOKMIN_LEDGER_WITNESSES"),
        ledger_witness_quorum=_int(env, "MOKMIN_LEDGER_WITNESS_QUORUM", 0) if _raw(
            env, "MOKMIN_LEDGER_WITNESS_QUORUM").strip() else None,
    )
