"""Location: the URL as bookmarkable state.

* The search form's widgets are synced to the query string: change them, bookmark or
  copy the URL, reload — the same state comes back; Back and Forward step through it.
* The slider uses ``history='replace'`` so dragging it does not flood the history.
* "Jump to details" sets ``location.hash``; "Go to the busy example" changes
  ``pathname`` with ``reload=True``, a full navigation.
"""

import param

import panel_state as pn

pn.extension()


class Search(param.Parameterized):
    query = param.String(default="", doc="Free text.")
    category = param.Selector(default="all", objects=["all", "books", "music", "films"])
    in_stock = param.Boolean(default=False)
    max_price = param.Integer(default=50, bounds=(0, 200))


search = Search()
location = pn.state.location

query = pn.widgets.TextInput(name="Search", placeholder="title or author")
category = pn.widgets.Select(name="Category", options=["all", "books", "music", "films"])
in_stock = pn.widgets.Checkbox(name="In stock only")
max_price = pn.widgets.IntSlider(name="Max price", start=0, end=200, step=5)

# Widgets <-> the Search object <-> the URL.
for widget, name in [(query, "query"), (category, "category"), (in_stock, "in_stock"),
                     (max_price, "max_price")]:
    widget.value = getattr(search, name)
    widget.link(search, bidirectional=True, value=name)

location.sync(search, ["query", "category", "in_stock"])
location.sync(search, {"max_price": "price"}, history="replace")


def summary(query, category, in_stock, max_price):
    stock = "in stock" if in_stock else "any stock"
    return (f"Looking for **{query or 'anything'}** in *{category}*, {stock}, "
            f"up to {max_price} CHF.")


def url(href):
    return f"Current URL: `{href}`"


details = pn.widgets.Button(name="Jump to details")
details.on_click(lambda event: setattr(location, "hash", "#details"))

navigate = pn.widgets.Button(name="Go to the busy example", button_type="primary")


def go(event):
    location.reload = True
    location.pathname = "/busy"


navigate.on_click(go)

# A stand-in for the search results, tall enough that the details are below the fold.
RESULTS = """
<div style="width: 560px; height: 720px; border: 1px dashed #d0d7de; border-radius: 6px;
            display: flex; align-items: center; justify-content: center; color: #59636e">
  The search results would be listed here.
</div>
"""

DETAILS = """
<section id="details" style="min-height: 100vh; scroll-margin-top: 12px">
  <h3>Details</h3>
  <p>Every control above lives in the query string:</p>
  <ul>
    <li><code>query</code>, <code>category</code> and <code>in_stock</code> add a history
        entry each time they change, so Back undoes them one by one;</li>
    <li><code>price</code> replaces the current entry, so dragging the slider does not
        fill the history;</li>
    <li>the <code>#details</code> hash brought you here, and is kept in the URL you share.</li>
  </ul>
</section>
"""

pn.Column(
    "## Location",
    pn.Row(query, category),
    pn.Row(in_stock, max_price),
    pn.bind(summary, search.param.query, search.param.category, search.param.in_stock,
            search.param.max_price),
    pn.bind(url, location.param.href),
    pn.Row(details, navigate),
    pn.pane.HTML(RESULTS),
    pn.pane.HTML(DETAILS),
).servable(title="Location")
