"""A real PostgreSQL/PostGIS cluster for the tests: made in a temporary folder, listening on
loopback only (and a socket in that folder), trusted local logins, stopped and removed after.

Debian's binaries (postgresql-15-postgis-3, installed by `make test`). initdb refuses to run as
root, so as root the cluster belongs to the `postgres` user the package creates.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time


def _bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed: run `make test` (it installs "
            "postgresql-15-postgis-3), or apt-get install postgresql-15-postgis-3."
        )
    return found[-1]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgisCluster:
    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="crowdheat-pg-")
        self.data = os.path.join(self.folder, "data")
        self.port = _free_port()
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        self.dbname = "crowdheat"

    def _run(self, *command, check=True):
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def start(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(_bin("initdb"), "-D", self.data, "-U", self.user, "--auth=trust", "-E", "UTF8", "--no-sync")
        self._run(
            _bin("pg_ctl"),
            "-D",
            self.data,
            "-w",
            "-l",
            os.path.join(self.folder, "log"),
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        self.sql("postgres", f"CREATE DATABASE {self.dbname}")
        self.sql(self.dbname, "CREATE EXTENSION postgis")
        return self

    def stop(self):
        self._run(_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def sql(self, dbname, statement):
        """Rows of a statement, as lists of strings (psql, unaligned)."""
        result = self._run(
            _bin("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            self.user,
            "-d",
            dbname,
            "-v",
            "ON_ERROR_STOP=1",
            "-A",
            "-t",
            "-F",
            "\t",
            "-c",
            statement,
        )
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    def uri(self, table):
        """A QGIS data source URI for ``table`` (public schema, geometry column geom)."""
        return (
            f"dbname='{self.dbname}' host=127.0.0.1 port={self.port} user='{self.user}' "
            f'table="public"."{table}" (geom)'
        )

    def __enter__(self):
        for _attempt in range(3):
            try:
                return self.start()
            except subprocess.CalledProcessError:
                self.stop()
                self.__init__()
                time.sleep(0.5)
        return self.start()

    def __exit__(self, *exc):
        self.stop()
