"""A throwaway PostgreSQL server for the tests (and the store benchmark): initdb into a temporary folder,
started with pg_ctl on a free loopback port (its socket in that folder too), stopped and removed at the end.

The server binaries come from the system's packages (``make test`` installs Debian's ``postgresql`` when
they are missing, see .ci/postgres). PostgreSQL refuses to run as root: as root the cluster belongs to the
``postgres`` system user the package creates, and its commands run through ``runuser``.

``BOT_TEST_DATABASE_URL`` (a ``postgresql://`` URL of a server whose role may create databases) is used
instead when set.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_HINT = (
    "PostgreSQL's server programs (initdb, pg_ctl) are not installed: run `make test` (it installs "
    "them), or `apt-get install -y postgresql`, or set BOT_TEST_DATABASE_URL to a server's URL"
)


class PostgresUnavailable(RuntimeError):
    pass


def find_bindir() -> Path:
    """The folder holding initdb and pg_ctl: BOT_TEST_PG_BINDIR, PATH, or Debian's /usr/lib/postgresql/N/bin."""
    candidates: list[str] = []
    if os.environ.get("BOT_TEST_PG_BINDIR"):
        candidates.append(os.environ["BOT_TEST_PG_BINDIR"])
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise PostgresUnavailable(INSTALL_HINT)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    """A running cluster: ``url`` is the maintenance database's URL (superuser ``postgres``, trust on loopback)."""

    port: int
    folder: Path | None  # None: a server we did not start (BOT_TEST_DATABASE_URL)
    bindir: Path | None
    base_url: str
    _run_as: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"{self.base_url}/{database}"

    async def create_database(self, prefix: str = "t") -> str:
        """A new empty database; its URL."""
        import asyncpg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url_for(name)

    async def drop_database(self, url: str) -> None:
        import asyncpg

        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    def stop(self) -> None:
        if self.folder is None or self.bindir is None:
            return
        data = self.folder / "data"
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [
                    *self._run_as,
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(self.folder, ignore_errors=True)


def start(*, fsync: bool = False, max_connections: int = 100) -> PostgresServer:
    """Start a throwaway cluster (or use BOT_TEST_DATABASE_URL's server). ``fsync`` off is for tests only."""
    given = os.environ.get("BOT_TEST_DATABASE_URL")
    if given:
        return PostgresServer(port=0, folder=None, bindir=None, base_url=given.rstrip("/").rsplit("/", 1)[0])
    bindir = find_bindir()
    run_as: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="bot-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(folder, ignore_errors=True)
            raise PostgresUnavailable(
                "running as root, PostgreSQL needs a user of its own and there is no "
                "`postgres` user (the Debian package creates it): " + INSTALL_HINT
            ) from None
        os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    port = free_port()
    server = PostgresServer(
        port=port,
        folder=folder,
        bindir=bindir,
        base_url=f"postgresql://postgres@127.0.0.1:{port}",
        _run_as=run_as,
    )
    try:
        _run(
            [
                *run_as,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            "initdb",
        )
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder}"
            f" -c max_connections={max_connections} -c fsync={'on' if fsync else 'off'}"
            f" -c synchronous_commit={'on' if fsync else 'off'} -c full_page_writes={'on' if fsync else 'off'}"
        )
        _run(
            [
                *run_as,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            "pg_ctl start",
            log=folder / "server.log",
        )
        _wait_ready(port)
    except BaseException:
        server.stop()
        raise
    return server


def _run(argv: list[str], what: str, log: Path | None = None) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        tail = ""
        if log is not None and log.exists():
            tail = "\n" + "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise PostgresUnavailable(
            f"{what} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}{tail}"
        )


def _wait_ready(port: int, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise PostgresUnavailable(f"the test PostgreSQL server did not accept connections on port {port}")
