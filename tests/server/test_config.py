"""ServerConfig: one frozen, validated configuration for the CLI and pn.serve alike."""

from __future__ import annotations

import dataclasses

import pytest

import panel_state as pn
from panel_state.server.config import ServerConfig
from panel_state.server.loader import make_app

APPS = {"/": make_app(lambda: pn.pane.Str("hi"))}


def test_server_config_defaults_and_normalises_once():
    cfg = ServerConfig(apps=APPS, allow_websocket_origin=(" Intranet.Example.com ",),
                       secret="s" * 16)
    assert cfg.address == "127.0.0.1" and cfg.port == 0 and cfg.num_procs == 1
    assert cfg.allow_websocket_origin == ("intranet.example.com",)
    assert cfg.secret == b"s" * 16
    assert dict(cfg.apps) == APPS


def test_server_config_is_frozen():
    cfg = ServerConfig(apps=APPS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.port = 5006  # type: ignore[misc]
    with pytest.raises(TypeError):
        cfg.apps["/other"] = APPS["/"]  # type: ignore[index]


@pytest.mark.parametrize(("changes", "match"), [
    ({"apps": {}}, "Server needs at least one app, got none"),
    ({"apps": {"app": APPS["/"]}}, "routes must be strings starting with '/', got 'app'"),
    ({"port": 70000}, r"port must be an integer in 0\.\.65535, got 70000"),
    ({"port": True}, r"port must be an integer in 0\.\.65535, got True"),
    ({"secret": b"short"}, "secret must be at least 16 bytes long"),
    ({"token_lifetime": 0}, "token_lifetime must be a positive number of seconds, got 0"),
    ({"unused_session_lifetime": -1}, "unused_session_lifetime must be an integer of at "
                                      "least 0 milliseconds, got -1"),
    ({"max_message_size": 0}, "max_message_size must be an integer of at least 1 bytes"),
    ({"num_procs": -1}, "num_procs must be an integer of at least 0, got -1"),
    ({"nthreads": -2}, "nthreads must be an integer of at least 0, got -2"),
])
def test_server_config_refuses_bad_values_naming_them(changes, match):
    with pytest.raises(ValueError, match=match):
        ServerConfig(**{"apps": APPS, **changes})


def test_server_config_refuses_apps_that_are_not_apps():
    with pytest.raises(TypeError, match="Server app for '/' must be an App, got function"):
        ServerConfig(apps={"/": lambda: None})  # type: ignore[dict-item]


def test_server_config_replace_validates_the_copy():
    cfg = ServerConfig(apps=APPS)
    assert cfg.replace(port=5006).port == 5006 and cfg.port == 0
    with pytest.raises(ValueError, match="port must be"):
        cfg.replace(port=-1)


def test_server_config_autoreload_is_one_process_only_and_a_bool():
    assert ServerConfig(apps=APPS, autoreload=True).autoreload is True
    with pytest.raises(ValueError, match="autoreload reloads apps inside one process and "
                                         "cannot be combined with num_procs=2"):
        ServerConfig(apps=APPS, autoreload=True, num_procs=2)
    with pytest.raises(TypeError, match="autoreload must be True or False, got 'yes'"):
        ServerConfig(apps=APPS, autoreload="yes")  # type: ignore[arg-type]
