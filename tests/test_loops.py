"""Which loop work goes to, and call_on / call_soon from any thread."""

from __future__ import annotations

import asyncio
import threading

from panel_state import loops
from panel_state.session import Session


def test_loops_resolve_prefers_session_then_running_then_default():
    default = asyncio.new_event_loop()
    other = asyncio.new_event_loop()
    loops.set_default_loop(default)
    try:
        assert loops.resolve_loop(None) is default
        s = Session("http://localhost/", loop=other)
        assert loops.resolve_loop(s) is other
        s.destroy()

        async def inside() -> asyncio.AbstractEventLoop | None:
            return loops.resolve_loop(None)

        assert other.run_until_complete(inside()) is other
    finally:
        loops.set_default_loop(None)
        default.close(), other.close()


def test_loops_default_is_forgotten_once_closed():
    loop = asyncio.new_event_loop()
    loops.set_default_loop(loop)
    loop.close()
    assert loops.default_loop() is None
    loops.set_default_loop(None)


def test_loops_call_on_runs_now_on_the_loop_and_hands_over_from_threads():
    loop = asyncio.new_event_loop()
    where: list[tuple[str, bool]] = []

    def record(label: str) -> None:
        where.append((label, loops.running_loop() is loop))

    async def main() -> None:
        loops.call_on(loop, record, "on the loop")  # runs now
        assert where == [("on the loop", True)]
        thread = threading.Thread(target=loops.call_on, args=(loop, record, "from a thread"))
        thread.start()
        thread.join()
        assert where == [("on the loop", True)]  # handed over, not run in the thread
        for _ in range(3):
            await asyncio.sleep(0)

    loop.run_until_complete(main())
    assert where == [("on the loop", True), ("from a thread", True)]
    loops.call_on(loop, record, "loop not running")  # nothing else can run: now
    assert where[-1] == ("loop not running", False)
    loop.close()
    loops.call_on(loop, record, "closed")
    assert where[-1] == ("closed", False)


def test_loops_call_soon_waits_for_the_next_iteration():
    loop = asyncio.new_event_loop()
    seen: list[str] = []

    async def main() -> None:
        loops.call_soon(loop, seen.append, "soon")
        seen.append("now")
        await asyncio.sleep(0)

    loop.run_until_complete(main())
    assert seen == ["now", "soon"]
    loop.close()
