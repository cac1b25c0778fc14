"""run_workers: N forked processes, their exit statuses, signals forwarded."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from panel_state.server.processes import run_workers

SCRIPT = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path
    from panel_state.server.processes import run_workers

    out = Path(sys.argv[1])
    mode = sys.argv[2]

    def worker(index):
        if mode == "wait":  # ready for the signal before saying it is up
            signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
        (out / f"worker-{index}").write_text(str(os.getpid()))
        if mode == "fail" and index == 1:
            return 3
        if mode == "raise" and index == 0:
            raise RuntimeError("worker broke")
        if mode == "wait":
            while True:
                time.sleep(0.01)
        return 0

    code = run_workers(2, worker)
    (out / "parent").write_text(str(code))
    sys.exit(code)
""")


def run(tmp_path: Path, mode: str) -> subprocess.Popen[bytes]:
    script = tmp_path / "workers.py"
    script.write_text(SCRIPT)
    return subprocess.Popen([sys.executable, str(script), str(tmp_path), mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize(("mode", "status"), [("ok", 0), ("fail", 1), ("raise", 1)])
def test_processes_parent_returns_after_every_child_with_their_status(tmp_path, mode, status):
    proc = run(tmp_path, mode)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == status
    pids = {(tmp_path / f"worker-{i}").read_text() for i in range(2)}
    assert len(pids) == 2 and str(proc.pid) not in pids  # two children, not the parent
    assert (tmp_path / "parent").read_text() == str(status)  # only the parent returned
    if mode == "raise":
        assert b"Worker 0 failed" in err and b"worker broke" in err


def test_processes_parent_forwards_sigterm_to_every_child(tmp_path):
    proc = run(tmp_path, "wait")
    deadline = time.monotonic() + 20
    while not all((tmp_path / f"worker-{i}").exists() for i in range(2)):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode == 0 and (tmp_path / "parent").read_text() == "0"


def test_processes_need_at_least_one_worker():
    with pytest.raises(ValueError, match="run_workers needs at least one process, got 0"):
        run_workers(0, lambda index: 0)
