"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl on 127.0.0.1, free port.

Uses the server binaries of Debian's ``postgresql`` package (/usr/lib/postgresql/*/bin)
or ``initdb`` on PATH; the tests never install anything. PostgreSQL refuses to run as
root, so under root the cluster belongs to the ``postgres`` user (``runuser``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class Unavailable(Exception):
    """Why no server can be started here (the tests skip with this reason)."""


def server_bin() -> Path:
    """The folder of initdb/pg_ctl, newest major version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise Unavailable("PostgreSQL server binaries not found: install Debian's postgresql "
                      "package (apt-get install -y postgresql)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class PgServer:
    """A running cluster; ``url(db)`` for a database on it."""

    root: Path
    port: int
    prefix: list[str]
    bin: Path

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://mamori@127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        subprocess.run([*self.prefix, str(self.bin / "pg_ctl"), "-D", str(self.root / "data"),
                        "-m", "fast", "-w", "stop"], capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> PgServer:
    """initdb, start on a free loopback port, wait until it accepts connections."""
    bindir = server_bin()
    prefix: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="mamori-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise Unavailable("running as root and there is no 'postgres' user") from exc
        os.chown(root, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    server = PgServer(root, port, prefix, bindir)
    data = root / "data"
    steps = [
        [str(bindir / "initdb"), "-D", str(data), "-U", "mamori", "--auth=trust", "-E", "UTF8",
         "--no-sync"],
        [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60",
         "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
    ]
    for step in steps:
        proc = subprocess.run([*prefix, *step], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            log = (root / "log").read_text() if (root / "log").exists() else ""
            server.stop()
            raise Unavailable(f"{Path(step[0]).name} failed: {proc.stderr.strip()} {log}")
    return server
