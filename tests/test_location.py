"""Location: URL parts, loss-free query updates, sync/unsync, sessions, the server contract."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import weakref

import numpy as np
import pandas as pd
import param
import pytest

import panel_state as pn
from panel_state import Location
from panel_state.testing import session


class Params(param.Parameterized):
    integer = param.Integer(default=None, bounds=(0, 100))
    number = param.Number(default=1.0)
    string = param.String(default=None)
    flag = param.Boolean(default=False)
    choice = param.Selector(default="a", objects=["a", "b", "007"])
    items = param.List(default=[])


@pytest.fixture
def loc() -> Location:
    return Location.from_request("http", "localhost:5006", "/app")


# -- URL parts --------------------------------------------------------------------------

def test_location_from_request_fills_every_part():
    loc = Location.from_request("https", "example.org:8443", "/app/page?color=blue#top")
    assert loc.protocol == "https:"
    assert loc.hostname == "example.org"
    assert loc.port == "8443"
    assert loc.pathname == "/app/page"
    assert loc.search == "?color=blue"
    assert loc.hash == "#top"
    assert loc.href == "https://example.org:8443/app/page?color=blue#top"
    assert loc.reload is False


@pytest.mark.parametrize(("protocol", "host", "uri", "expected"), [
    ("http", "127.0.0.1", "/panel",
     {"protocol": "http:", "hostname": "127.0.0.1", "pathname": "/panel",
      "href": "http://127.0.0.1/panel"}),
    ("http", "::ffff:172.20.0.233", "https,http://sub.domain.dk/some/path/panel",
     {"protocol": "http:", "hostname": "172.20.0.233", "pathname": "/some/path/panel",
      "href": "http://172.20.0.233/some/path/panel"}),
    ("http", "[::1]:5006", "/app?a=1",
     {"protocol": "http:", "hostname": "[::1]", "port": "5006", "pathname": "/app",
      "search": "?a=1", "href": "http://[::1]:5006/app?a=1"}),
])
def test_location_from_request_handles_panels_request_forms(protocol, host, uri, expected):
    loc = Location.from_request(protocol, host, uri)
    assert {k: getattr(loc, k) for k in expected} == expected


def test_location_href_follows_every_part_and_is_watchable(loc):
    seen = []
    loc.param.watch(lambda e: seen.append(e.new), "href")
    loc.pathname = "/other"
    loc.search = "?a=1"
    loc.hash = "#h"
    assert loc.href == "http://localhost:5006/other?a=1#h"
    assert seen == ["http://localhost:5006/other", "http://localhost:5006/other?a=1",
                    "http://localhost:5006/other?a=1#h"]


@pytest.mark.parametrize("name", ["href", "hostname", "protocol", "port"])
def test_location_read_only_parts_refuse_assignment(loc, name):
    with pytest.raises(TypeError, match="Read-only"):
        setattr(loc, name, "x")


@pytest.mark.parametrize(("name", "value", "match"), [
    ("pathname", "app", r"Location.pathname must be '', start with '/' or be 'srcdoc', "
                        r"got 'app'. Use '/app'."),
    ("pathname", "/a?b=1", r"must not contain '\?' or '#', got '/a\?b=1'"),
    ("search", "a=1", r"Location.search must be '' or start with '\?', got 'a=1'. "
                      r"Use '\?a=1'."),
    ("search", "?a=1#x", r"must not contain '#', got '\?a=1#x'"),
    ("hash", "top", r"Location.hash must be '' or start with '#', got 'top'. Use '#top'."),
])
def test_location_parts_reject_values_that_break_their_rule(loc, name, value, match):
    before = loc.href
    with pytest.raises(ValueError, match=match):
        setattr(loc, name, value)
    assert loc.href == before
    assert getattr(loc, name) == {"pathname": "/app", "search": "", "hash": ""}[name]


def test_location_parts_reject_non_strings(loc):
    with pytest.raises(TypeError, match=r"Location\.search must be a string, got int 5"):
        loc.search = 5


@pytest.mark.parametrize(("name", "value"), [
    ("pathname", ""), ("pathname", "/"), ("pathname", "srcdoc"), ("search", ""),
    ("search", "?"), ("hash", ""), ("hash", "#"),
])
def test_location_parts_accept_their_valid_forms(loc, name, value):
    setattr(loc, name, value)
    assert getattr(loc, name) == value


def test_location_is_a_parameterized_not_a_viewable():
    loc = Location()
    assert isinstance(loc, param.Parameterized)
    assert not isinstance(loc, pn.Viewable)
    assert not hasattr(loc, "view_kind")


# -- query_params / update_query --------------------------------------------------------

def test_location_query_params_are_typed(loc):
    loc.search = '?i=7&f=1.5&b=true&l=[1,2]&d={"a":1}&s=abc&r=1&r=2&blank='
    assert loc.query_params == {"i": 7, "f": 1.5, "b": True, "l": [1, 2], "d": {"a": 1},
                                "s": "abc", "r": 2, "blank": ""}


def test_location_update_query_leaves_other_keys_byte_for_byte(loc):
    loc.search = "?zip=007&flag=true&x=1.50&arr=[1,2]"
    loc.update_query(new="v")
    assert loc.search == "?zip=007&flag=true&x=1.50&arr=[1,2]&new=v"
    loc.update_query(flag=False)
    assert loc.search == "?zip=007&flag=false&x=1.50&arr=[1,2]&new=v"


def test_location_update_query_encodes_values_as_json_and_strings_raw(loc):
    loc.update_query(a=1, b="c d", c=[1, "x"], d=True, e={"k": 1.5})
    assert loc.search == '?a=1&b=c+d&c=[1,%22x%22]&d=true&e={%22k%22:1.5}'
    assert loc.query_params == {"a": 1, "b": "c d", "c": [1, "x"], "d": True, "e": {"k": 1.5}}


def test_location_update_query_with_no_change_leaves_search_alone(loc):
    loc.update_query()
    assert loc.search == ""
    loc.search = "?a=%31&&b"
    loc.update_query(a=1)
    loc.update_query()
    assert loc.search == "?a=%31&&b"


def test_location_update_query_removes_keys_set_to_none(loc):
    loc.search = "?a=1&b=2"
    loc.update_query(a=None)
    assert loc.search == "?b=2"


def test_location_update_query_refuses_values_json_cannot_hold(loc):
    loc.search = "?a=1"
    with pytest.raises(TypeError, match=r"update_query\(b=...\): Cannot write"):
        loc.update_query(a=2, b=object())
    assert loc.search == "?a=1"


# -- sync -------------------------------------------------------------------------------

def test_location_sync_writes_the_objects_values_to_the_url(loc):
    p = Params(integer=1, string="abc")
    loc.sync(p, ["integer", "string"])
    assert loc.search == "?integer=1&string=abc"
    assert loc.href == "http://localhost:5006/app?integer=1&string=abc"


def test_location_sync_lets_the_url_win_at_sync_time(loc):
    loc.search = "?integer=5&string=from-url"
    p = Params(integer=1, string="obj", flag=True)
    loc.sync(p, ["integer", "string", "flag"])
    assert (p.integer, p.string, p.flag) == (5, "from-url", True)
    assert loc.search == "?integer=5&string=from-url&flag=true"


def test_location_sync_follows_changes_both_ways(loc):
    p = Params()
    loc.sync(p, ["integer", "choice"])
    p.integer = 3
    assert loc.query_params["integer"] == 3
    loc.search = "?integer=4&choice=b"
    assert (p.integer, p.choice) == (4, "b")
    loc.update_query(integer=9)
    assert p.integer == 9


def test_location_sync_maps_params_to_query_names(loc):
    p = Params(integer=2)
    loc.sync(p, {"integer": "page"})
    assert loc.search == "?page=2"
    loc.search = "?page=3"
    assert p.integer == 3


def test_location_sync_default_syncs_every_settable_param_but_name():
    class WithFixed(param.Parameterized):
        a = param.Integer(1)
        c = param.Integer(2, constant=True)
        r = param.Integer(3, readonly=True)

    loc = Location()
    loc.sync(WithFixed())
    assert loc.search == "?a=1"


def test_location_sync_of_a_class_updates_the_class(loc):
    class Settings(param.Parameterized):
        level = param.Integer(1)

    loc.search = "?level=4"
    loc.sync(Settings)
    assert Settings.level == 4
    Settings.level = 6
    assert loc.search == "?level=6"
    loc.unsync(Settings)


def test_location_sync_keeps_unrelated_keys_byte_for_byte(loc):
    loc.search = "?zip=007&flag=true&x=1.50&arr=[1,2]&r=1&r=2&blank="
    p = Params(integer=1)
    loc.sync(p, ["integer"])
    p.integer = 2
    assert loc.search == "?zip=007&flag=true&x=1.50&arr=[1,2]&r=1&r=2&blank=&integer=2"
    loc.unsync(p)
    assert loc.search == "?zip=007&flag=true&x=1.50&arr=[1,2]&r=1&r=2&blank="


def test_location_sync_removes_the_key_when_a_param_becomes_none(loc):
    p = Params(integer=1, string="x")
    loc.sync(p, ["integer", "string"])
    p.integer = None
    assert loc.search == "?string=x"
    assert "null" not in loc.href
    p.integer = 4
    assert loc.search == "?string=x&integer=4"


def test_location_sync_keeps_the_urls_text_of_values_it_applied(loc):
    loc.search = "?integer=007&number=1.50"
    p = Params()
    loc.sync(p, ["integer", "number"])
    assert (p.integer, p.number) == (7, 1.5)
    assert loc.search == "?integer=007&number=1.50"


def test_location_sync_gives_string_params_the_raw_text(loc):
    class Texts(param.Parameterized):
        a = param.String()
        b = param.String()
        c = param.String()
        d = param.String()

    loc.search = "?a=007&b=true&c=[1,+2]&d=-3"
    t = Texts()
    loc.sync(t)
    assert (t.a, t.b, t.c, t.d) == ("007", "true", "[1, 2]", "-3")


def test_location_sync_twice_accumulates_params(loc):
    p = Params(integer=1, string="s")
    loc.sync(p, ["integer"])
    loc.sync(p, ["string"])
    assert loc.search == "?integer=1&string=s"
    p.string = "t"
    p.integer = 2
    assert loc.search == "?integer=2&string=t"


def test_location_partial_unsync_keeps_the_rest_synced(loc):
    loc.search = "?other=x"
    p = Params(integer=1, string="s")
    loc.sync(p, ["integer", "string"])
    loc.unsync(p, ["integer"])
    assert loc.search == "?other=x&string=s"
    p.integer = 50
    p.string = "u"
    assert loc.search == "?other=x&string=u"
    loc.search = "?integer=60&string=v"
    assert (p.integer, p.string) == (50, "v")


def test_location_unsync_removes_only_the_unsynced_keys(loc):
    p = Params(integer=1, string="s")
    loc.sync(p, ["integer", "string"])
    loc.update_query(keep="me")
    loc.unsync(p)
    assert loc.search == "?keep=me"
    p.integer = 2
    assert loc.search == "?keep=me"


def test_location_unsync_of_an_object_never_synced_raises(loc):
    with pytest.raises(ValueError, match=r"Cannot unsync Params .* never synced"):
        loc.unsync(Params())


def test_location_unsync_of_params_not_synced_raises(loc):
    p = Params()
    loc.sync(p, ["integer"])
    with pytest.raises(ValueError, match=r"Cannot unsync parameter\(s\) \['string'\]"):
        loc.unsync(p, ["string"])


def test_location_sync_refuses_constant_and_readonly_params(loc):
    class Fixed(param.Parameterized):
        a = param.Integer(1)
        c = param.Integer(2, constant=True)
        r = param.Integer(3, readonly=True)

    with pytest.raises(ValueError, match=r"constant or read-only parameter\(s\) \['c', 'r'\]"):
        loc.sync(Fixed(), ["a", "c", "r"])
    assert loc.search == ""


def test_location_sync_refuses_unknown_params(loc):
    p = Params()
    with pytest.raises(ValueError, match=r"Cannot sync parameter\(s\) \['nope'\] of Params"):
        loc.sync(p, ["integer", "nope"])
    p.integer = 3
    assert loc.search == ""


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"history": "forward"}, ValueError, "history must be 'push' or 'replace', got 'forward'"),
    ({"on_error": 1}, TypeError, "on_error must be callable or None, got int 1"),
    ({"parameters": "integer"}, TypeError, r"got the string 'integer'. Use \['integer'\]"),
    ({"parameters": {"integer": "k", "string": "k"}}, ValueError,
     "both map to the query key 'k'"),
])
def test_location_sync_refuses_bad_options(loc, kwargs, error, match):
    with pytest.raises(error, match=match):
        loc.sync(Params(integer=1), **kwargs)
    assert loc.search == ""


def test_location_sync_refuses_non_parameterized_targets(loc):
    with pytest.raises(TypeError, match=r"param\.Parameterized instance or class, got dict"):
        loc.sync({"a": 1})


def test_location_sync_refuses_params_whose_value_json_cannot_hold(loc):
    class Holder(param.Parameterized):
        thing = param.Parameter(default=object())

    with pytest.raises(TypeError, match=r"Cannot sync Holder .*\.thing with the URL"):
        loc.sync(Holder())


def test_location_two_objects_sharing_a_key_follow_each_other(loc):
    a, b = Params(integer=1), Params(integer=1)
    loc.sync(a, ["integer"])
    loc.sync(b, ["integer"])
    a.integer = 7
    assert (loc.query_params["integer"], b.integer) == (7, 7)


def test_location_url_change_reaching_a_watcher_that_changes_another_param(loc):
    p = Params()
    loc.sync(p, ["integer", "string"])
    p.param.watch(lambda e: setattr(p, "string", f"page {e.new}"), "integer")
    loc.search = "?integer=3"
    assert p.string == "page 3"
    assert loc.search == "?integer=3&string=page+3"


def test_location_watcher_that_overrides_a_url_value_wins(loc):
    p = Params()
    loc.sync(p, ["integer"])
    p.param.watch(lambda e: setattr(p, "integer", min(e.new, 10)), "integer")
    loc.search = "?integer=50"
    assert p.integer == 10
    assert loc.search == "?integer=10"


def test_location_search_watchers_see_changes_made_by_synced_objects(loc):
    p = Params()
    loc.sync(p, ["integer"])
    seen = []
    loc.param.watch(lambda e: seen.append(e.new), "search")
    p.integer = 1
    p.integer = 2
    assert seen == ["?integer=1", "?integer=2"]


def test_location_reading_the_query_inside_a_batch_keeps_the_change(loc):
    p = Params(integer=1)
    loc.sync(p, ["integer"])
    with param.parameterized.batch_call_watchers(loc):
        loc.search = "?integer=5"
        assert loc.query_params == {"integer": 5}
    assert p.integer == 5


# -- round trips ------------------------------------------------------------------------

NASTY = "a b&c=d#e%f+g 'h\" é 🎉"
ROUND_TRIPS = [
    ("Integer", param.Integer(0), -42),
    ("Number", param.Number(0.0), 3.25),
    ("Boolean", param.Boolean(False), True),
    ("String", param.String(""), NASTY),
    ("String-looks-typed", param.String(""), "007"),
    ("Selector", param.Selector(default="x", objects=["x", NASTY]), NASTY),
    ("ObjectSelector", param.ObjectSelector(default=1, objects=[1, 2, 3]), 3),
    ("ListSelector", param.ListSelector(default=[], objects=["x", NASTY, "007"]),
     [NASTY, "007"]),
    ("List", param.List([]), [1, NASTY, [2.5, None]]),
    ("Tuple", param.Tuple(default=(0, "")), (5, NASTY)),
    ("NumericTuple", param.NumericTuple(default=(0, 0)), (1, 2.5)),
    ("Range", param.Range(default=(0, 1)), (-1.5, 8)),
    ("Date", param.Date(dt.datetime(2000, 1, 1)), dt.datetime(2024, 2, 29, 13, 14, 15, 16)),
    ("CalendarDate", param.CalendarDate(dt.date(2000, 1, 1)), dt.date(2024, 2, 29)),
    ("DateRange", param.DateRange(default=None),
     (dt.datetime(2024, 1, 1, 8), dt.datetime(2024, 3, 1, 17, 30))),
    ("CalendarDateRange", param.CalendarDateRange(default=None),
     (dt.date(2024, 1, 1), dt.date(2024, 3, 1))),
    ("Dict", param.Dict({}), {"k y": NASTY, "n": [1, 2], "é": {"🎉": True}}),
    ("Color", param.Color("#000000"), "#ff00aa"),
    ("Magnitude", param.Magnitude(0.0), 0.25),
    ("XYCoordinates", param.XYCoordinates(default=(0.0, 0.0)), (1.5, -2.0)),
]


def _round_trip(parameter: param.Parameter, value):
    Holder = type("Holder", (param.Parameterized,), {"value": parameter})
    source = Holder()
    sender = Location.from_request("http", "localhost:5006", "/app")
    sender.sync(source)
    source.value = value
    # A fresh page request carrying the URL the first Location wrote.
    receiver = Location.from_request("http", "localhost:5006", sender.pathname + sender.search)
    assert receiver.href == sender.href
    target = Holder()
    receiver.sync(target)
    assert receiver.search == sender.search
    return sender.search, target.value


@pytest.mark.parametrize(("kind", "parameter", "value"), ROUND_TRIPS,
                         ids=[r[0] for r in ROUND_TRIPS])
def test_location_sync_round_trips_every_serializable_param_type(kind, parameter, value):
    search, back = _round_trip(parameter, value)
    assert back == value
    assert type(back) is type(value)
    for ch in " &#'\"é🎉":
        assert ch not in search


def test_location_sync_round_trips_numpy_arrays():
    value = np.array([[1.5, 2.0], [3.0, -4.0]])
    _, back = _round_trip(param.Array(default=None), value)
    np.testing.assert_array_equal(back, value)


def test_location_sync_round_trips_dataframes():
    value = pd.DataFrame({"x": [1, 2], "name": [NASTY, "b"]})
    _, back = _round_trip(param.DataFrame(default=None), value)
    pd.testing.assert_frame_equal(back, value)


# -- bad values in the URL --------------------------------------------------------------

@pytest.mark.parametrize(("search", "bad"), [
    ("?integer=abc&string=ok", {"integer": "abc"}),
    ("?integer=101&string=ok", {"integer": "101"}),
    ("?choice=zzz&string=ok", {"choice": "zzz"}),
    ("?integer=abc&choice=zzz&string=ok", {"integer": "abc", "choice": "zzz"}),
])
def test_location_sync_reports_bad_url_values_and_applies_the_rest(loc, search, bad):
    loc.search = search
    p = Params(integer=1, choice="a")
    errors = []
    loc.sync(p, ["integer", "choice", "string"], on_error=errors.append)
    assert errors == [bad]
    assert p.string == "ok"
    assert (p.integer, p.choice) == (1, "a")


def test_location_bad_values_after_sync_never_raise_into_the_app(loc):
    p = Params(integer=1)
    errors = []
    loc.sync(p, ["integer", "string"], on_error=errors.append)
    loc.search = "?integer=oops&string=fine"
    assert errors == [{"integer": "oops"}]
    assert (p.integer, p.string) == (1, "fine")


def test_location_bad_values_without_on_error_are_logged(loc, caplog):
    caplog.set_level(logging.WARNING, logger="panel_state.urlsync")
    loc.search = "?integer=abc"
    p = Params(integer=1)
    loc.sync(p, ["integer"])
    assert p.integer == 1
    [record] = [r for r in caplog.records if r.name == "panel_state.urlsync"]
    assert record.levelno == logging.WARNING
    assert "integer='abc'" in record.getMessage()
    assert "on_error" in record.getMessage()


def test_location_on_error_that_raises_is_handled_not_raised(loc, errors):
    def on_error(bad):
        raise RuntimeError("on_error broke")

    p = Params(integer=1)
    loc.sync(p, ["integer"], on_error=on_error)
    loc.search = "?integer=abc"
    assert [str(e) for e in errors] == ["on_error broke"]
    assert p.integer == 1


def test_location_watcher_error_while_applying_the_url_is_handled(loc, errors):
    p = Params(integer=1)
    loc.sync(p, ["integer"])

    def broken(event):
        raise RuntimeError("watcher broke")

    p.param.watch(broken, "integer")
    loc.search = "?integer=5"
    assert p.integer == 5
    assert [str(e) for e in errors] == ["watcher broke"]


# -- reload, history and the server contract --------------------------------------------

def test_location_client_action_is_none_until_something_changes(loc):
    assert loc.take_client_action() is None
    loc.search = "?a=1"
    assert loc.take_client_action() == ("push", "/app?a=1")
    assert loc.take_client_action() is None


def test_location_user_assignments_and_update_query_push(loc):
    loc.update_query(a=1)
    assert loc.take_client_action() == ("push", "/app?a=1")
    loc.hash = "#x"
    assert loc.take_client_action() == ("push", "/app?a=1#x")
    loc.pathname = "/p"
    assert loc.take_client_action() == ("push", "/p?a=1#x")


def test_location_sync_history_mode_is_recorded_per_sync(loc):
    slider, page = Params(integer=1), Params(string="a")
    loc.sync(slider, ["integer"], history="replace")
    loc.sync(page, ["string"])
    # The first write of a sync normalises the current entry: a replace.
    assert loc.take_client_action() == ("replace", "/app?integer=1&string=a")
    slider.integer = 2
    slider.integer = 3
    assert loc.take_client_action() == ("replace", "/app?integer=3&string=a")
    page.string = "b"
    assert loc.take_client_action() == ("push", "/app?integer=3&string=b")
    slider.integer = 4
    page.string = "c"
    assert loc.take_client_action() == ("push", "/app?integer=4&string=c")


def test_location_change_and_change_back_leaves_nothing_to_do(loc):
    loc.search = "?a=1"
    loc.search = ""
    assert loc.take_client_action() is None


def test_location_reload_after_pathname_navigates(loc):
    loc.pathname = "/other"
    loc.reload = True
    assert loc.take_client_action() == ("navigate", "/other")


def test_location_reload_before_pathname_navigates(loc):
    loc.reload = True
    loc.pathname = "/other"
    assert loc.take_client_action() == ("navigate", "/other")


def test_location_reload_with_search_change_navigates(loc):
    loc.reload = True
    loc.update_query(a=1)
    assert loc.take_client_action() == ("navigate", "/app?a=1")


def test_location_reload_with_only_a_hash_change_does_not_navigate(loc):
    loc.reload = True
    loc.hash = "#section"
    assert loc.take_client_action() == ("push", "/app#section")


def test_location_reload_alone_does_nothing(loc):
    loc.reload = True
    assert loc.take_client_action() is None


def test_location_apply_client_url_updates_parts_and_synced_objects(loc):
    p = Params(integer=1)
    loc.sync(p, ["integer"])
    loc.take_client_action()
    loc.apply_browser_url("/app", "?integer=9", "#h")
    assert (loc.search, loc.hash, p.integer) == ("?integer=9", "#h", 9)
    assert loc.href == "http://localhost:5006/app?integer=9#h"
    assert loc.take_client_action() is None


def test_location_apply_client_url_drops_what_was_pending(loc):
    loc.search = "?a=1"
    loc.apply_browser_url("/app", "?b=2", "")
    assert loc.take_client_action() is None
    loc.hash = "#x"
    assert loc.take_client_action() == ("push", "/app?b=2#x")


def test_location_apply_client_url_keeps_python_side_reactions_pending(loc):
    p = Params()
    loc.sync(p, ["integer", "string"], history="replace")
    p.param.watch(lambda e: setattr(p, "string", str(e.new)), "integer")
    loc.take_client_action()
    loc.apply_browser_url("/app", "?integer=4", "")
    assert loc.take_client_action() == ("replace", "/app?integer=4&string=4")


def test_location_apply_client_url_back_navigation_restores_objects(loc):
    p = Params(integer=1)
    loc.sync(p, ["integer"])
    p.integer = 2
    p.integer = 3
    loc.take_client_action()
    loc.apply_browser_url("/app", "?integer=2", "")
    assert p.integer == 2


@pytest.mark.parametrize(("parts", "error"), [
    (("app", "", ""), ValueError), (("/app", "a=1", ""), ValueError),
    (("/app", "", "x"), ValueError), (("/app", None, ""), TypeError),
])
def test_location_apply_client_url_refuses_bad_parts_and_changes_nothing(loc, parts, error):
    loc.search = "?keep=1"
    with pytest.raises(error):
        loc.apply_browser_url(*parts)
    assert (loc.pathname, loc.search, loc.hash) == ("/app", "?keep=1", "")


def test_location_listener_hears_every_python_side_change(loc):
    calls = []
    remove = loc.listen(lambda: calls.append(loc.take_client_action()))
    p = Params(integer=1)
    loc.sync(p, ["integer"])
    p.integer = 2
    loc.hash = "#h"
    loc.reload = True
    assert calls == [("replace", "/app?integer=1"), ("push", "/app?integer=2"),
                     ("push", "/app?integer=2#h"), None]
    loc.apply_browser_url("/app", "?integer=3", "")
    assert len(calls) == 4
    assert p.integer == 3
    remove()
    p.integer = 4
    assert len(calls) == 4


def test_location_listener_errors_are_handled(loc, errors):
    def broken():
        raise RuntimeError("listener broke")

    loc.listen(broken)
    loc.search = "?a=1"
    assert loc.search == "?a=1"
    assert [str(e) for e in errors] == ["listener broke"]


# -- sessions ---------------------------------------------------------------------------

def test_location_seed_session_args_example_keeps_repeated_keys():
    with session("http://localhost:5006/app?phase=0.5&phase=0.7"):
        assert pn.state.session_args == {"phase": [b"0.5", b"0.7"]}
        try:
            phase = int(pn.state.session_args.get("phase")[0])
        except Exception:
            phase = 1
        assert phase == 1
        assert float(pn.state.session_args.get("phase")[0]) == 0.5


def test_location_seed_location_example_describes_the_page():
    with session("http://localhost:5006/app?phase=0.5&phase=0.7#plot"):
        loc = pn.state.location
        assert loc.pathname == "/app"
        assert loc.search == "?phase=0.5&phase=0.7"
        assert loc.hash == "#plot"
        assert loc.protocol == "http:"
        assert loc.port == "5006"
        assert loc.href == "http://localhost:5006/app?phase=0.5&phase=0.7#plot"
        assert loc.query_params == {"phase": 0.7}
        assert pn.state.location is loc


def test_location_synced_objects_hold_url_values_before_first_render():
    class App(param.Parameterized):
        phase = param.Number(0.0)
        color = param.String("red")

    with session("http://localhost:5006/app?phase=0.5&phase=0.7&color=blue+green"):
        app = App()
        pn.state.location.sync(app)
        assert (app.phase, app.color) == (0.7, "blue green")
        app.phase = 0.9
        assert pn.state.location.search == "?phase=0.9&color=blue+green"
        assert pn.state.session_args["phase"] == [b"0.5", b"0.7"]


def test_location_is_one_per_session():
    with session("http://localhost:5006/a?x=1") as one:
        loc_one = pn.state.location
        with session("http://localhost:5006/b?x=2"):
            assert pn.state.location.pathname == "/b"
            assert pn.state.location is not loc_one
        assert pn.state.location is loc_one
        assert one.location is loc_one


def test_location_outside_a_session_is_process_wide_and_works():
    loc = pn.state.location
    assert pn.state.location is loc
    loc.pathname = "/somewhere"
    loc.reload = True
    p = Params(integer=2)
    loc.sync(p, ["integer"])
    assert loc.search == "?integer=2"
    assert loc.href == "/somewhere?integer=2"
    loc.search = "?integer=3"
    assert p.integer == 3


def test_location_session_teardown_releases_synced_objects():
    p = Params(integer=1)
    with session("http://localhost:5006/app?integer=4"):
        loc = pn.state.location
        loc.sync(p, ["integer"])
        assert p.integer == 4
        ref = weakref.ref(loc)
        del loc
    p.integer = 5  # no longer synced: nothing to update, nothing raised
    gc.collect()
    assert ref() is None
    assert not [w for by_what in p.param.watchers.values() for w in by_what.values() if w]


def test_location_sync_after_teardown_raises():
    with session() as s:
        loc = pn.state.location
    assert s.destroyed
    with pytest.raises(RuntimeError, match="its session was destroyed"):
        loc.sync(Params())


def test_location_is_not_a_session_root():
    with session() as s:
        pn.state.location.sync(Params(integer=1), ["integer"])
        assert s.roots == []


def test_location_sync_refuses_a_key_already_used_by_another_param_of_the_object():
    class Filter(param.Parameterized):
        category = param.String("books")
        price = param.Integer(20)

    loc = Location()
    f = Filter()
    loc.sync(f, ["category"])
    with pytest.raises(ValueError, match="'category' of the same object is already synced"):
        loc.sync(f, {"price": "category"})
    assert loc.query_params == {"category": "books"}
    loc.sync(f, ["category"])  # the same param again just accumulates
