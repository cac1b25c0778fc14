"""The long form of the protocol fuzz test: 100,000 hostile messages against a live server.

It runs ``tests/server/test_fuzz.py``'s fuzz test in a fresh pytest process with
``PANEL_STATE_FUZZ_MESSAGES=100000`` (10,000, the CI size, with ``--quick``). Every
message -- malformed, mutated or out of order, drawn by hypothesis -- is followed by a
ping, and after each one the test checks that a refused message changed nothing, an
accepted one changed exactly what it asked for, the server logged no error, and (at the
end) that a bystander session saw nothing. Panel has no equivalent protocol, so its
column is empty.

Rows: messages checked, messages per second (send, reply, check), messages refused,
and failures (invariant violations or server errors; the goal is 0). A failing run
raises :class:`~benchmarks._common.BenchmarkError` with pytest's report, so the runner
lists the module as failed.

Run ``python benchmarks/bench_fuzz.py`` to print the table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT, BenchmarkError, print_table, quick, row

TEST = "tests/server/test_fuzz.py::test_fuzz_protocol_messages_change_nothing_they_did_not_ask_for"
FULL, QUICK = 100_000, 10_000


def fuzz(messages: int) -> dict[str, Any]:
    """Run the fuzz test with ``messages`` messages; returns its figures."""
    env = {**os.environ, "PANEL_STATE_FUZZ_MESSAGES": str(messages)}
    command = [sys.executable, "-m", "pytest", TEST, "-q", "-s", "-p", "no:cacheprovider",
               "--timeout", str(max(600, messages // 50))]
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False, timeout=max(900, messages // 30))
    results = [line for line in proc.stdout.splitlines() if line.startswith("FUZZ-RESULT ")]
    if proc.returncode != 0 or not results:
        tail = "\n".join(proc.stdout.strip().splitlines()[-30:])
        raise BenchmarkError(f"the fuzz test failed after sending messages:\n{tail}")
    return dict(json.loads(results[-1].split(" ", 1)[1]))


def run() -> list[dict[str, Any]]:
    """The rows of this benchmark (10,000 messages when ``--quick`` is set)."""
    target = QUICK if quick() else FULL
    result = fuzz(target)
    refused = sum(result["codes"].values())
    return [
        row("fuzz: hostile messages against a live server, each checked", result["messages"],
            None, "messages", f">= {target:,}", better="higher",
            met=result["messages"] >= target),
        row("fuzz: messages sent, answered and checked per second", result["rate"], None,
            "messages/s"),
        row("fuzz: messages refused with an error reply", refused, None, "messages",
            better="higher"),
        row("fuzz: invariant violations or server errors", 0, None, "count", "0", met=True),
    ]


if __name__ == "__main__":
    print_table(run())
