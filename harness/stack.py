"""The assistant's processes on loopback, for the end-to-end and reliability tests and the bench.

Each server is started the way `make run` starts it (serving.rasa_server, serving.action_server),
on a free port, with its log in a file; PostgreSQL and Redis are Debian's binaries run as a
throw-away instance in a folder (scripts/ensure_services.sh installs them).
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "ocbot.tar.gz"
PYTHON = str(Path(sys.executable))
QUIET_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
             "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


# Loopback servers only: no proxy from the environment in the way.
_LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early ({process.returncode}) before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


def peak_rss_mb(pid: int | None) -> float | None:
    """Peak resident memory of a live process (VmHWM), in MB; None when it is not running."""
    if pid is None:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def cpu_seconds(pid: int | None) -> float | None:
    """CPU time (user + system) a live process has used so far, in seconds."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """One process with a health URL; start() waits until it answers, stop() until it exits.

    Its environment is `env` (given when it is built) plus the overrides of the last start;
    restart() keeps them, for the tests that stop a server and bring the same one back.
    """

    def __init__(self, command: list[str], health: str, log: Path, timeout: float = 60,
                 env: dict[str, str] | None = None) -> None:
        self.command, self.health, self.log, self.timeout = command, health, log, timeout
        self.base_env = dict(env or {})
        self.env = dict(self.base_env)
        self.process: subprocess.Popen | None = None

    def start(self, **overrides: str) -> None:
        self.launch(**overrides)
        self.wait_ready()

    def launch(self, **overrides: str) -> None:
        """Start the process without waiting (to start several servers side by side)."""
        self.env = {**self.base_env, **overrides}
        self._spawn()

    def restart(self) -> None:
        """The same server again, with the same environment."""
        self._spawn()
        self.wait_ready()

    def _spawn(self) -> None:
        self.stop()
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env={**os.environ, **QUIET_ENV, **self.env},
                stdout=out, stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        assert self.process is not None, "launch() first"
        wait_for(self.health, self.process, self.timeout)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process and self.process.poll() is None else None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>"""
        parts = urlsplit(self.health)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def port(self) -> int:
        return urlsplit(self.health).port or 80


def action_server(port: int, log: Path, env: dict[str, str] | None = None) -> Server:
    return Server([PYTHON, "-m", "serving.action_server", "--port", str(port)],
                  f"http://127.0.0.1:{port}/health", log, env=env)


def rasa_server(port: int, endpoints: Path, credentials: Path, log: Path,
                model: Path = MODEL, env: dict[str, str] | None = None) -> Server:
    return Server(
        [PYTHON, "-m", "serving.rasa_server", "run", "--model", str(model), "--endpoints",
         str(endpoints), "--credentials", str(credentials), "--interface", "127.0.0.1",
         "--port", str(port)],
        f"http://127.0.0.1:{port}/", log, timeout=240, env=env,
    )


def rest_session(url: str, timeout: float = 30) -> str:
    """A sender id for one anonymous REST conversation, asked as any client asks for one.

    `url` is any URL of the Rasa server (its base, or its webhook). `POST /webhooks/rest/session`
    answers `{"sender": "<random>.<signature>"}` (channels/rest.py); the server refuses any
    anonymous sender id it did not sign.
    """
    parts = urlsplit(url)
    request = urllib.request.Request(f"{parts.scheme}://{parts.netloc}/webhooks/rest/session",
                                     data=b"{}",
                                     headers={"Content-Type": "application/json"}, method="POST")
    with _LOOPBACK.open(request, timeout=timeout) as answer:
        return json.loads(answer.read())["sender"]


def conversation_of(sender: str) -> str:
    """The conversation id the tracker store and the tickets hold for a signed REST sender id:
    its random part (the signature is never stored, so what is stored cannot be replayed)."""
    return sender.split(".", 1)[0]


def list_tickets(db_url: str) -> list[dict]:
    """Every ticket of a store, as the support team's CLI prints it (`list --json`)."""
    listing = subprocess.run(
        [PYTHON, "-m", "actions.tickets", "list", "--json"], cwd=ROOT, check=True,
        capture_output=True, text=True, env={"TICKETS_DB_URL": db_url, "PATH": ""},
    )
    return json.loads(listing.stdout)


def write_endpoints(path: Path, action_port: int, stores: str = "") -> Path:
    """An endpoints file for these ports; `stores` adds tracker/lock store sections as YAML."""
    path.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f"  enable_selective_domain: true\n{stores}",
        encoding="utf-8",
    )
    return path


def sqlite_tracker(db: Path) -> str:
    """The local profile's tracker store, as endpoints.yml has it."""
    return (f'tracker_store:\n  type: serving.tracker_store.CachedSQLTrackerStore\n'
            f'  dialect: sqlite\n  db: "{db}"\n')


# ----------------------------------------------------------------- PostgreSQL and Redis


def _service_user() -> tuple[list[str], pwd.struct_passwd | None]:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` system user."""
    if os.geteuid() != 0:
        return [], None
    user = pwd.getpwnam("postgres")
    return ["runuser", "-u", "postgres", "--"], user


class Postgres:
    """A throw-away PostgreSQL cluster on loopback, trust authentication, database `ocbot`."""

    def __init__(self, port: int) -> None:
        # Its own folder under /tmp: the `postgres` user cannot enter a root-only test folder.
        self.folder, self.port = Path(tempfile.mkdtemp(prefix="ocbot-postgres-")), port
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not binaries:
            raise RuntimeError("PostgreSQL is not installed: run scripts/ensure_services.sh")
        self.bin = Path(binaries[-1])
        self.prefix, user = _service_user()
        if user:
            shutil.chown(self.folder, user.pw_uid, user.pw_gid)
        self.data = self.folder / "data"

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.prefix, *args], capture_output=True, text=True, cwd="/")
        if done.returncode:
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr or done.stdout}")

    def start(self) -> None:
        if not self.data.exists():
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                      "ocbot", "--no-sync")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-l",
                  str(self.folder / "postgres.log"), "-o",
                  f"-p {self.port} -h 127.0.0.1 -k {self.folder} -c fsync=off", "start")
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                  "ocbot", "ocbot")

    def create_database(self, name: str) -> str:
        """Another empty database on this server; its URL."""
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                  "ocbot", name)
        return f"postgresql://ocbot@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run([*self.prefix, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m",
                            "fast", "stop"], capture_output=True, cwd="/")
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql://ocbot@127.0.0.1:{self.port}/ocbot"


class Redis:
    """A throw-away Redis on loopback, no persistence."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError("Redis is not installed: run scripts/ensure_services.sh")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=open(self.folder / "redis.log", "wb"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise TimeoutError("Redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def production_env(postgres: Postgres, redis: Redis, action_port: int,
                   token: str) -> dict[str, str]:
    """The environment deploy/endpoints.production.yml reads, for these loopback services."""
    return {
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "ACTION_SERVER_TOKEN": token,
        "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(postgres.port),
        "POSTGRES_DB": "ocbot", "POSTGRES_USER": "ocbot", "POSTGRES_PASSWORD": "",
        "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis.port), "REDIS_PASSWORD": "",
        "OCBOT_SESSION_SECRET": "loopback-session-secret-0123456789",
    }


PRODUCTION_ENDPOINTS = ROOT / "deploy" / "endpoints.production.yml"
PRODUCTION_CREDENTIALS = ROOT / "deploy" / "credentials.production.yml"


class LocalStack:
    """The local profile as `make run` has it: one action server, one Rasa server, SQLite stores
    (tracker and tickets) in `work`."""

    def __init__(self, work: Path, today: str) -> None:
        action_port = free_port()
        self.tickets_url = f"sqlite:///{work / 'tickets.db'}"
        self.tracker_db = work / "tracker.db"
        endpoints = write_endpoints(work / "endpoints.yml", action_port,
                                    sqlite_tracker(self.tracker_db))
        self.actions = action_server(action_port, work / "actions.log",
                                     env={"OCBOT_TODAY": today, "TICKETS_DB_URL": self.tickets_url})
        self.rasa = [rasa_server(free_port(), endpoints, ROOT / "credentials.yml",
                                 work / "rasa.log")]

    def start(self) -> None:
        start_side_by_side([self.actions, *self.rasa])

    def stop(self) -> None:
        for server in [*self.rasa, self.actions]:
            server.stop()


class ProductionStack:
    """The production profile on loopback: PostgreSQL, Redis, one action server (with its
    token) and `rasa_servers` Rasa servers reading deploy/endpoints.production.yml."""

    def __init__(self, work: Path, today: str, rasa_servers: int, token: str) -> None:
        self.postgres, self.redis = Postgres(free_port()), Redis(work / "redis", free_port())
        action_port = free_port()
        self.tickets_url = self.postgres.url
        self.actions = action_server(action_port, work / "actions.log", env={
            "ACTION_SERVER_TOKEN": token, "TICKETS_DB_URL": self.tickets_url,
            "OCBOT_TODAY": today})
        env = production_env(self.postgres, self.redis, action_port, token)
        self.rasa = [rasa_server(free_port(), PRODUCTION_ENDPOINTS, PRODUCTION_CREDENTIALS,
                                 work / f"rasa-{index + 1}.log", env=env)
                     for index in range(rasa_servers)]

    def start(self) -> None:
        self.postgres.start()
        self.redis.start()
        start_side_by_side([self.actions, *self.rasa])

    def stop(self) -> None:
        for server in [*self.rasa, self.actions]:
            server.stop()
        self.redis.stop()
        self.postgres.stop()


def start_side_by_side(servers: list[Server]) -> None:
    """Launch every server, then wait for each: they load their models at the same time."""
    for server in servers:
        server.launch()
    for server in servers:
        server.wait_ready()
