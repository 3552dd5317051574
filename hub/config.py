"""Settings from the environment, in one place."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    hub_state_dir: Path = PROJECT_ROOT / "var"
    hub_graphiql: bool = True

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

    @model_validator(mode="after")
    def _no_development_shortcuts_in_production(self) -> Settings:
        if self.hub_env is Environment.PRODUCTION and self.hub_graphiql:
            raise ValueError("HUB_GRAPHIQL must be false when HUB_ENV=production")
        if self.hub_env is Environment.PRODUCTION and not self.neo4j_password:
            raise ValueError("NEO4J_PASSWORD must be set when HUB_ENV=production")
        return self

    @property
    def is_development(self) -> bool:
        return self.hub_env is not Environment.PRODUCTION


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
