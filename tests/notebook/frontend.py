"""The test plays a Jupyter front end over a real ipykernel with jupyter_client.

:class:`Front` starts a kernel (a child process, stopped after), runs cells (with a
``cellId`` as JupyterLab sends it), and keeps every IOPub message it reads: streams by
the cell that produced them, and each widget comm the kernel opens as a :class:`View`
that can ``hello``, send events, read the protocol messages the kernel sent to it and
close its comm -- what anywidget's model does in a browser.
"""

from __future__ import annotations

import json
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.manager import start_new_kernel

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@dataclass
class Stream:
    parent: str
    name: str
    text: str
    at: float


@dataclass
class Cell:
    """One executed cell: its request id, reply, outputs and the time it ran."""

    msg_id: str
    reply: dict[str, Any] = field(default_factory=dict)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0

    @property
    def views(self) -> list[str]:
        """The widget model ids of the cell's widget-view outputs."""
        return [o["data"][WIDGET_VIEW]["model_id"] for o in self.outputs
                if WIDGET_VIEW in o.get("data", {})]

    @property
    def error(self) -> str | None:
        if self.reply.get("status") == "ok":
            return None
        return "\n".join(self.reply.get("traceback", [])) or str(self.reply)


class View:
    """A widget comm the kernel opened, seen from the front end."""

    def __init__(self, front: Front, comm_id: str, state: dict[str, Any]) -> None:
        self.front = front
        self.id = comm_id
        self.state = state
        self.messages: list[dict[str, Any]] = []
        self.closed = False

    def send_raw(self, content: Any) -> None:
        self.front.comm_msg(self.id, {"method": "custom", "content": content})

    def send(self, msg: dict[str, Any]) -> None:
        self.send_raw({"ps": json.dumps(msg)})

    def set_state(self, **state: Any) -> None:
        """Change synced model values, as ``model.set(...); model.save_changes()`` does."""
        self.front.comm_msg(self.id, {"method": "update", "state": state, "buffer_paths": []})

    def hello(self) -> dict[str, Any]:
        """Say hello and return the render the kernel answers with."""
        start = len(self.messages)
        self.send({"type": "hello", "v": 1, "token": ""})
        return self.wait_for(lambda m: m["type"] == "render", start=start)

    def event(self, ref: str, name: str, value: Any) -> None:
        self.send({"type": "event", "ref": ref, "name": name, "value": value})

    def barrier(self, timeout: float = 10) -> int:
        """Ping and wait for the pong: everything sent before it has been handled."""
        token = f"barrier-{time.monotonic_ns()}"
        self.send({"type": "ping", "id": token})
        self.wait_for(lambda m: m["type"] == "pong" and m["id"] == token, timeout=timeout)
        return len(self.messages)

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], start: int = 0,
                 timeout: float = 10) -> dict[str, Any]:
        found: list[dict[str, Any]] = []

        def check() -> bool:
            found[:] = [m for m in self.messages[start:] if predicate(m)]
            return bool(found)

        self.front.pump_until(check, timeout)
        return found[0]

    def patches(self, start: int = 0) -> list[dict[str, Any]]:
        """Every patch op the kernel sent to this view (after message ``start``)."""
        return [op for m in self.messages[start:] if m["type"] == "patch" for op in m["ops"]]

    def props(self, ref: str, start: int = 0) -> list[dict[str, Any]]:
        """The props patches of component ``ref``, in order."""
        return [op["props"] for op in self.patches(start) if op["ref"] == ref and "props" in op]

    def close(self) -> None:
        """Close the comm from the front end (as closing the widget model does)."""
        msg = self.front.kc.session.msg("comm_close", {"comm_id": self.id, "data": {}})
        self.front.kc.shell_channel.send(msg)


class Front:
    """A kernel and the front end the test plays for it."""

    def __init__(self, cwd: Path) -> None:
        self.km, self.kc = start_new_kernel(kernel_name="python3", cwd=str(cwd))
        self.views: dict[str, View] = {}
        self.streams: list[Stream] = []
        self.cells: dict[str, Cell] = {}

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)

    # -- cells --------------------------------------------------------------------------
    def run(self, code: str, cell_id: str | None = None, timeout: float = 30,
            check: bool = True) -> Cell:
        """Execute ``code`` as a cell and wait until the kernel is idle again."""
        metadata = {"cellId": cell_id} if cell_id else {}
        msg = self.kc.session.msg("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True}, metadata=metadata)
        cell = Cell(msg["header"]["msg_id"], started=time.monotonic())
        self.cells[cell.msg_id] = cell
        self.kc.shell_channel.send(msg)
        self.pump_until(lambda: bool(cell.ended), timeout)
        deadline = time.monotonic() + timeout
        while not cell.reply:
            reply = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == cell.msg_id:
                cell.reply = reply["content"]
        if check and cell.error:
            raise AssertionError(f"the cell failed:\n{code}\n{cell.error}")
        return cell

    def print(self, code: str) -> str:
        """Run ``code`` and return what it printed to stdout."""
        cell = self.run(code)
        return "".join(s.text for s in self.streams if s.parent == cell.msg_id
                       and s.name == "stdout")

    def comm_msg(self, comm_id: str, data: dict[str, Any]) -> None:
        msg = self.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        self.kc.shell_channel.send(msg)

    # -- IOPub ----------------------------------------------------------------------------
    def pump(self, timeout: float) -> bool:
        """Read one IOPub message (False when none came within ``timeout``)."""
        try:
            msg = self.kc.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            return False
        self._dispatch(msg)
        return True

    def pump_until(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
            self.pump(min(left, 0.2))

    def pump_for(self, seconds: float) -> None:
        """Read IOPub for ``seconds`` (the kernel idle meanwhile, or not)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.pump(min(left, 0.1))

    def _dispatch(self, msg: dict[str, Any]) -> None:
        kind, content = msg["msg_type"], msg["content"]
        parent = msg["parent_header"].get("msg_id", "")
        cell = self.cells.get(parent)
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            state = content["data"]["state"]
            if "_esm" in state:
                self.views[content["comm_id"]] = View(self, content["comm_id"], state)
        elif kind == "comm_msg":
            view = self.views.get(content["comm_id"])
            data = content["data"]
            if view is not None and data.get("method") == "custom":
                view.messages.append(json.loads(data["content"]["ps"]))
        elif kind == "comm_close":
            view = self.views.get(content["comm_id"])
            if view is not None:
                view.closed = True
        elif kind == "stream":
            self.streams.append(Stream(parent, content["name"], content["text"],
                                       time.monotonic()))
        elif kind in ("execute_result", "display_data") and cell is not None:
            cell.outputs.append(content)
        elif kind == "error" and cell is not None:
            cell.outputs.append(content)
        elif (kind == "status" and cell is not None
              and content["execution_state"] == "idle"):
            cell.ended = time.monotonic()

    def view(self, cell: Cell, index: int = 0) -> View:
        """The View of the cell's ``index``-th widget output."""
        model_id = cell.views[index]
        self.pump_until(lambda: model_id in self.views)
        return self.views[model_id]

    def printed(self, cell: Cell, name: str = "stdout") -> str:
        return "".join(s.text for s in self.streams if s.parent == cell.msg_id
                       and s.name == name)
