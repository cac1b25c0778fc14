"""Cookies and headers: who is visiting, and a cookie the app set on an earlier visit."""

import panel_state as pn

pn.extension()

headers = pn.state.headers
cookies = pn.state.cookies

agent = headers.get("User-Agent", "unknown")
language = headers.get("Accept-Language", "unknown").split(",")[0]
visits = int(cookies.get("example_visits", "0") or 0)

if visits:
    times = "once" if visits == 1 else f"{visits} times"
    greeting = f"**Welcome back!** You have been here {times} before."
else:
    greeting = "**Welcome, first-time visitor!**"
pn.state.curdoc.set_cookie("example_visits", str(visits + 1), max_age=30 * 86400)

pn.Column(
    "## Cookies and headers",
    pn.pane.Markdown(greeting),
    pn.pane.Str(f"User agent: {agent}"),
    pn.pane.Str(f"Language: {language}"),
    pn.pane.Str(f"Cookies sent: {sorted(cookies)}"),
    "Reload the page: the visit count comes from a cookie this app set.",
).servable(title="Cookies and headers")
