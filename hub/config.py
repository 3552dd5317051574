"""Settings from the environment, in one place."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hub.clock import Clock

# The repository root: local state (Neo4j data, passwords, keys) lives below it, git-ignored.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    hub_env: Environment = Environment.DEVELOPMENT
    hub_host: str = "127.0.0.1"
    hub_port: int = 8000
    hub_log_level: str = "INFO"
    # `hub serve`: worker processes; the proxies whose X-Forwarded-For / -Proto are believed
    # (comma-separated addresses or networks, "" for none); how long a stop waits for
    # in-flight requests; how long an idle keep-alive connection stays open.
    hub_workers: int = Field(default=1, ge=1, le=64)
    hub_trusted_proxies: str = "127.0.0.1"
    hub_shutdown_grace_s: float = Field(default=20.0, ge=0.0, le=300.0)
    hub_keepalive_s: float = Field(default=75.0, ge=1.0, le=600.0)
    hub_state_dir: Path = PROJECT_ROOT / "var"
    # The console (/console, GraphiQL from npm): does nothing without a person's sign-in, so it
    # may stay on in production; introspection needs a token either way.
    hub_graphiql: bool = True
    # Pins the hub's clock (hub/clock.py) at one moment with its offset, for tests and demos:
    # "today" and "now" are then that moment's in Fuzhou. Refused in production.
    hub_clock_pin: datetime | None = None
    # The X-Hub-Principal header (hub.oauth.dev) stands in for a token only when this is true:
    # never by default, refused in production; `hub serve` warns at start-up while it is on.
    hub_dev_principal: bool = False
    # Request bodies past this many bytes are answered 413 unread (hub.transport).
    hub_max_body_bytes: int = Field(default=1 << 20, ge=1024, le=64 << 20)
    # Pages of lists: `first` may not exceed this (docs/architecture.md).
    hub_max_page: int = 100
    # Supervision figures (hub/resolvers/supervision.py): a count of households or people below
    # this is shown as "< N" to every role but the police.
    hub_supervision_min_cell: int = Field(default=5, ge=1, le=1000)
    # The supervision rollup (hub/supervision/rollup.py): how often each replica refreshes it
    # (nothing is counted when the graph has not changed); 0 turns the schedule off.
    hub_supervision_refresh_interval_s: float = Field(default=900.0, ge=0.0)
    # Requests per minute each client (or, for the public, each address) may make to /graphql;
    # bursts up to `burst` pass at once. 0 turns the limit off.
    hub_rate_limit_per_min: int = 1200
    hub_rate_limit_burst: int = 200
    # Where replicas share the rate limit and the failed-authentication throttles
    # (redis://host:port/db); unset, each process counts its own.
    hub_redis_url: str | None = Field(default=None, repr=False)
    # personByIdNumber (hub/resolvers/lookups.py): lookups each client may make per Fuzhou day
    # (0: none), and how many of them finding nobody in a day raise ID_LOOKUP_ENUMERATION.
    # Counted in Redis with HUB_REDIS_URL, else per process.
    hub_id_lookup_quota: int = Field(default=50, ge=0, le=100_000)
    hub_id_lookup_misses_alert: int = Field(default=10, ge=1, le=100_000)
    # Writes (hub.ingest): items per mutation call, and how far in the future an event's time
    # may lie (clients' clocks drift).
    hub_write_batch_limit: int = Field(default=1000, ge=1, le=10_000)
    hub_write_clock_skew_s: int = Field(default=300, ge=0, le=3600)
    # The linkage scan (hub.linkage.scan): how often each replica tries to take its lease and
    # run it; 0 turns the schedule off (`hub linkage scan` still runs it on demand).
    hub_linkage_scan_interval_s: float = Field(default=86_400.0, ge=0.0)
    # Alerts at ingestion (and their webhook deliveries); off only to measure what they cost.
    hub_linkage_enabled: bool = True
    # Webhooks (hub.webhooks): how often the delivery worker looks for due deliveries (0: no
    # worker in this process), the first retry's delay (doubled each time, with jitter, up to
    # the cap), the tries before a delivery is dead, and each POST's timeout.
    hub_webhook_poll_s: float = Field(default=1.0, ge=0.0)
    # The alertRaised subscription: how often each subscription looks for new alerts (and
    # checks its token again).
    hub_alert_feed_poll_s: float = Field(default=0.5, gt=0.0)
    hub_webhook_backoff_s: float = Field(default=10.0, gt=0.0)
    hub_webhook_backoff_cap_s: float = Field(default=3600.0, gt=0.0)
    hub_webhook_max_attempts: int = Field(default=8, ge=1, le=30)
    hub_webhook_timeout_s: float = Field(default=5.0, gt=0.0)

    # Which project-managed Neo4j to use when NEO4J_URI is not given ("dev" for `make run`,
    # "test" for `make test`; each has its own ports and data folder).
    hub_neo4j_instance: str = "dev"
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = Field(default=None, repr=False)
    neo4j_database: str = "neo4j"
    # Every Cypher transaction is bounded; writes retry within a budget shorter than HTTP deadlines.
    neo4j_tx_timeout_s: float = 10.0
    neo4j_write_retry_s: float = 8.0
    neo4j_connect_timeout_s: float = 5.0
    # One deadline per request (hub.deadline): connection acquisition, the driver's retries and
    # the audit wait all end within it; past it the answer is 503 with Retry-After.
    hub_request_deadline_s: float = Field(default=5.0, gt=0.0, le=60.0)

    # OAuth2 (hub.oauth): the issuer is the hub's public base URL; tokens are for `hub_audience`.
    hub_issuer: str = "http://127.0.0.1:8000"
    hub_audience: str = "hub"
    hub_token_ttl_s: int = Field(default=600, ge=60, le=900)
    hub_token_leeway_s: int = Field(default=30, ge=0, le=120)
    # A private JWK set (JSON) from configuration; else keys live in `<state>/keys`, made on start.
    hub_oauth_jwks: str | None = Field(default=None, repr=False)
    hub_oauth_keys_dir: Path | None = None
    # How long a process trusts what it read of client status and the jti deny list.
    hub_oauth_status_cache_s: float = Field(default=2.0, ge=0.0, le=10.0)
    # Failed client authentications tolerated per client id or address within the window.
    hub_oauth_max_failures: int = 5
    hub_oauth_failure_window_s: float = 60.0

    # The audit trail (hub.audit): on in production, always. One chain id per log; the head is
    # signed every `sign_every` entries or `sign_interval_s` seconds with its own Ed25519 key
    # (a PEM from configuration, shared by replicas; else made in `<state>/audit` on start).
    hub_audit_enabled: bool = True
    hub_audit_chain: str = "main"
    hub_audit_signing_key: str | None = Field(default=None, repr=False)
    hub_audit_batch_window_ms: float = Field(default=2.0, ge=0.0, le=50.0)
    # How long a read's outcome (written after its answer left) may wait to share the next
    # request's append: a crash within it leaves an intent that `hub audit verify` names.
    hub_audit_outcome_wait_ms: float = Field(default=100.0, ge=0.0, le=1000.0)
    hub_audit_batch_max: int = Field(default=256, ge=1, le=5000)
    hub_audit_sign_every: int = Field(default=1000, ge=1)
    hub_audit_sign_interval_s: float = Field(default=30.0, gt=0.0)
    hub_audit_timeout_s: float = Field(default=5.0, gt=0.0)

    # The whistleblower channel (hub.whistle.keys): the claim codes' HMAC key and the payout
    # instructions' Fernet key; else made in `<state>/whistle` (never in production).
    hub_tip_claim_key: str | None = Field(default=None, repr=False)
    hub_reward_payout_key: str | None = Field(default=None, repr=False)
    # submitTip per address, and wrong claim codes per address, within a window of this many s.
    hub_tip_window_s: float = Field(default=600.0, gt=0.0)
    hub_tip_submit_per_window: int = Field(default=10, ge=1)
    hub_tip_claim_failures_per_window: int = Field(default=10, ge=1)

    @model_validator(mode="after")
    def _no_development_shortcuts_in_production(self) -> Settings:
        if self.hub_clock_pin is not None and self.hub_clock_pin.tzinfo is None:
            raise ValueError("HUB_CLOCK_PIN needs a zone offset, such as 2026-12-01T23:30:00+08:00")
        if self.hub_env is Environment.PRODUCTION and self.hub_clock_pin is not None:
            raise ValueError("HUB_CLOCK_PIN cannot be set when HUB_ENV=production")
        if self.hub_env is Environment.PRODUCTION and self.hub_dev_principal:
            raise ValueError("HUB_DEV_PRINCIPAL must be false when HUB_ENV=production")
        if self.hub_env is Environment.PRODUCTION and not self.neo4j_password:
            raise ValueError("NEO4J_PASSWORD must be set when HUB_ENV=production")
        if self.hub_env is Environment.PRODUCTION and not self.hub_issuer.startswith("https://"):
            raise ValueError("HUB_ISSUER must be an https:// URL when HUB_ENV=production")
        if self.hub_env is Environment.PRODUCTION and not self.hub_audit_enabled:
            raise ValueError("HUB_AUDIT_ENABLED cannot be false when HUB_ENV=production")
        if self.hub_env is Environment.PRODUCTION:
            _refuse_placeholder("HUB_TIP_CLAIM_KEY", self.hub_tip_claim_key)
            _refuse_placeholder("HUB_REWARD_PAYOUT_KEY", self.hub_reward_payout_key)
        return self

    @property
    def whistle_dir(self) -> Path:
        return self.hub_state_dir / "whistle"

    @property
    def clock(self) -> Clock:
        return Clock(self.hub_clock_pin)

    @property
    def oauth_keys_dir(self) -> Path:
        return self.hub_oauth_keys_dir or self.hub_state_dir / "keys"

    @property
    def audit_dir(self) -> Path:
        return self.hub_state_dir / "audit"

    @property
    def demo_credentials_file(self) -> Path:
        return self.hub_state_dir / "demo-credentials.json"

    @property
    def is_development(self) -> bool:
        return self.hub_env is not Environment.PRODUCTION


PLACEHOLDERS = ("change", "secret", "example", "placeholder", "dev", "test", "xxx")


def _refuse_placeholder(name: str, value: str | None) -> None:
    """Production needs a real key from configuration: set, 32 characters or more, and no
    placeholder word in it."""
    if not value or len(value) < 32 or any(w in value.lower() for w in PLACEHOLDERS):
        raise ValueError(f"{name} must be set to a real key (32+ characters) in production")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
