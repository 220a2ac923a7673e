"""Nothing leaves the machine: ingest, search and review open no socket beyond loopback.

The probe builds an index of the small guideline (the whole build path, in a fraction
of the time) and reviews the examples against the test run's shared full index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, socket, sys
attempts = []
real_connect = socket.socket.connect
real_connect_ex = socket.socket.connect_ex
def _record(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        if not (host.startswith("127.") or host in ("::1", "localhost")):
            attempts.append(str(address))
            raise OSError("blocked by test: " + str(address))
def connect(self, address):
    _record(self, address)
    return real_connect(self, address)
def connect_ex(self, address):
    _record(self, address)
    return real_connect_ex(self, address)
socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
real_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    if host not in (None, "localhost") and not str(host).startswith("127."):
        attempts.append("dns:" + str(host))
    return real_getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
import os
from agent.cli import main
from agent.config import settings
fresh_home, small_sources, shared_home = sys.argv[1:4]
os.environ["MASSAGE_REVIEW_HOME"] = fresh_home
os.environ["MASSAGE_REVIEW_SOURCES"] = small_sources
codes = [main(["ingest"]), main(["search", "heat packs", "--k", "2"])]
settings.cache_clear()
os.environ["MASSAGE_REVIEW_HOME"] = shared_home
del os.environ["MASSAGE_REVIEW_SOURCES"]
codes.append(main(["review", "examples/cases", "--format", "jsonl"]))
print("PROBE" + json.dumps({"attempts": attempts, "codes": codes}))
"""


def test_no_socket_leaves_loopback(tmp_path, small_sources, corpus_home):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "home"), str(small_sources), str(corpus_home)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("PROBE"))
    probe = json.loads(line.removeprefix("PROBE"))
    assert probe["codes"] == [0, 0, 0], result.stderr
    assert probe["attempts"] == []
