"""The one settings class: environment variables (prefix BOT_) and an optional .env file."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.loader import DEFAULT_DIR


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DISCORD_TOKEN", "BOT_TOKEN"),
        description="Discord bot token; unset -> local console",
    )
    database_path: Path = Field(default=Path("bot.sqlite3"), description="SQLite file for runtime state")
    database_url: str | None = Field(
        default=None,
        description="where runtime state is kept: a postgresql:// URL (processes "
        "share it), or a SQLite file path; unset: database_path",
    )
    knowledge_dir: Path = Field(default=DEFAULT_DIR, description="folder of curated TOML files and corpus/")
    vector_cache: Path | None = Field(
        default=Path(".cache/vectors.npz"), description="file keeping item vectors between runs (empty: none)"
    )
    moderator_role: str | None = Field(
        default=None, description="role name or id allowed to run /kb commands"
    )
    log_level: str = Field(default="INFO")
    owner_ids: list[int] = Field(
        default=[], description="user ids allowed to run the owner-only sync command"
    )
    sync_guild: int | None = Field(
        default=None, description="guild id to sync commands to (faster than global)"
    )
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: list[int] | None = None
    ask_cooldown_seconds: float = Field(default=3.0, ge=0)
    max_question_chars: int = Field(default=300, ge=20, le=2000)
    max_upload_bytes: int = Field(default=512_000, ge=1024)
    store_queue_size: int = Field(
        default=10_000,
        ge=1,
        le=1_000_000,
        description="records (questions, votes, reloads) kept while the database "
        "can't take them; beyond, new ones are dropped and counted",
    )
    shutdown_grace_seconds: float = Field(
        default=10.0,
        ge=0,
        le=300,
        description="on shutdown, the longest wait for answers being sent, "
        "then for queued records to be written",
    )
    kb_time_limit_seconds: float = Field(
        default=60.0, gt=0, le=3600, description="longest a /kb reload, upload or rollback may take"
    )
    kb_history_versions: int = Field(
        default=10, ge=0, le=1000, description="earlier knowledge versions kept for /kb rollback (0: none)"
    )

    @field_validator("vector_cache", mode="before")
    @classmethod
    def _no_cache(cls, v: object) -> object:
        return None if v == "" else v

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        v = v.upper()
        if v not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("log_level must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return v

    @field_validator("database_url", mode="before")
    @classmethod
    def _no_url(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @property
    def database(self) -> str | Path:
        """What the store opens: BOT_DATABASE_URL when set, else the SQLite file BOT_DATABASE_PATH."""
        return self.database_url.strip() if self.database_url else self.database_path

    @property
    def has_token(self) -> bool:
        return self.token is not None and bool(self.token.get_secret_value().strip())
