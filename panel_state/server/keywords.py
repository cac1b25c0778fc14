"""``pn.serve``'s keywords: ours, and every name Panel's ``pn.serve`` and Bokeh accept.

Panel code passes Panel's and Bokeh's names (``pn.serve(app, num_procs=2,
check_unused_sessions_milliseconds=500, oauth_provider='github')``). Each is one of:

* **ours** -- a :class:`~panel_state.server.config.ServerConfig` field, passed as is;
* **renamed** -- the same setting under Panel's or Bokeh's name (and unit), mapped
  onto our field (:data:`RENAMED`);
* **as ours** -- a switch whose default is what panel_state always does
  (``sign_sessions=True``); that value is accepted silently, another one warns;
* **unsupported** -- accepted, with one :class:`~panel_state.compat.UnsupportedWarning`
  per name and process saying what is missing (:data:`UNSUPPORTED`).

Only names nobody knows are a ``TypeError``.

Examples
--------
>>> fields, _ = config_settings({"keep_alive_milliseconds": 5000, "num_procs": 0})
>>> fields["keep_alive"], fields["num_procs"]
(5000, 0)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from ..compat import warn_unsupported
from .config import ServerConfig

__all__ = ["AS_OURS", "OURS", "RENAMED", "UNSUPPORTED", "as_list", "config_settings",
           "known"]

#: ServerConfig fields ``pn.serve`` takes as keywords (the rest are its own arguments).
OURS = tuple(f.name for f in dataclasses.fields(ServerConfig)
             if f.name not in ("apps", "titles", "setup", "show", "port", "address"))


def _same(value: Any) -> Any:
    return value


def as_list(value: Any) -> list[str]:
    """Origins given as one string or several."""
    return [value] if isinstance(value, str) else list(value or ())


#: Panel / Bokeh name -> (our field, conversion).
RENAMED: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "allow_websocket_origin": ("allow_websocket_origin", _same),
    "extra_websocket_origins": ("allow_websocket_origin", _same),
    "check_unused_sessions_milliseconds": ("check_unused_sessions", _same),
    "unused_session_lifetime_milliseconds": ("unused_session_lifetime", _same),
    "keep_alive_milliseconds": ("keep_alive", _same),
    "websocket_max_message_size_bytes": ("websocket_max_message_size", _same),
    "session_token_expiration": ("token_lifetime", _same),
    "secret_key": ("secret", _same),
}

#: Switches accepted silently with the value panel_state always behaves as.
AS_OURS: dict[str, Any] = {
    "sign_sessions": True, "generate_session_ids": True, "use_index": True,
    "redirect_root": True, "location": True, "admin": False,
}

_AUTH = "authentication is not part of panel_state yet (pn.state.user stays None)"
_PREFIX = "serving under a URL prefix is not supported; mount routes() in a tornado app"
_TORNADO = "tornado Application settings are not passed through"

#: Names Panel or Bokeh accept that panel_state ignores, with the reason.
UNSUPPORTED: dict[str, str] = {
    **dict.fromkeys((
        "basic_auth", "basic_login_template", "oauth_provider", "oauth_key", "oauth_secret",
        "oauth_redirect_uri", "oauth_extra_params", "oauth_error_template",
        "oauth_encryption_key", "oauth_jwt_user", "oauth_refresh_tokens",
        "oauth_guest_endpoints", "oauth_optional", "cookie_path", "cookie_secret",
        "login_endpoint", "logout_endpoint", "login_template", "logout_template",
        "auth_provider"), _AUTH),
    "admin": "there is no admin dashboard",
    "session_history": "there is no admin dashboard to show session history",
    "root_path": _PREFIX, "prefix": _PREFIX, "absolute_url": _PREFIX,
    "stats_log_frequency_milliseconds": "periodic statistics logging is not implemented",
    "mem_log_frequency_milliseconds": "periodic memory logging is not implemented",
    "ssl_certfile": "terminate TLS at a reverse proxy", "ssl_keyfile": "see ssl_certfile",
    "ssl_password": "see ssl_certfile",
    "unix_socket": "only TCP sockets are served",
    "websocket_compression_level": "websocket compression is off",
    "websocket_compression_mem_level": "websocket compression is off",
    "ico_path": "pages use panel_state's own icon",
    "xsrf_cookies": "pages post no forms; the session token guards the websocket",
    "include_headers": "the whole request is kept", "exclude_headers": "the whole request is kept",
    "include_cookies": "the whole request is kept", "exclude_cookies": "the whole request is kept",
    "http_server_kwargs": "set the HTTP limits with pn.serve's own keywords",
    "server_id": "servers are tracked by their Server object",
    "sign_sessions": "tokens are always signed and encrypted",
    "generate_session_ids": "session ids always come from the server",
    "use_index": "the index page is always served with several apps",
    "redirect_root": "/ always redirects to a single app",
    "location": "the session's Location is always available",
    **dict.fromkeys((
        "debug", "serve_traceback", "compress_response", "gzip",
        "static_hash_cache", "compiled_template_cache", "template_path", "template_loader",
        "static_path", "static_url_prefix", "static_handler_class", "static_handler_args",
        "login_url", "log_function", "default_handler_class", "default_handler_args",
        "ui_modules", "ui_methods", "autoescape", "xsrf_cookie_version",
        "xsrf_cookie_kwargs", "key_version", "websocket_ping_interval",
        "websocket_ping_timeout"), _TORNADO),
}

#: Keywords of Panel's pn.serve that pn.serve takes as named arguments.
_ARGUMENTS = ("loop", "io_loop", "verbose")


def known() -> frozenset[str]:
    """Every keyword ``pn.serve`` accepts beyond its named arguments."""
    return frozenset((*OURS, *RENAMED, *AS_OURS, *UNSUPPORTED, *_ARGUMENTS))


def config_settings(settings: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``pn.serve``'s keywords into ServerConfig fields and launch options.

    Unsupported names warn once each and are dropped. Launch options are ``loop``
    (also Bokeh's ``io_loop``) and ``verbose``.

    Raises
    ------
    TypeError
        For a name neither panel_state nor Panel/Bokeh know.
    """
    unknown = sorted(set(settings) - known())
    if unknown:
        raise TypeError(f"serve() got unknown setting(s) {unknown}; panel_state's are "
                        f"{sorted(OURS)}, and Panel's and Bokeh's names are accepted too.")
    fields: dict[str, Any] = {}
    launch: dict[str, Any] = {}
    for name, value in settings.items():
        if name in _ARGUMENTS:
            launch["loop" if name == "io_loop" else name] = value
        elif name in OURS or name in RENAMED:
            field, convert = RENAMED.get(name, (name, _same))
            if field == "allow_websocket_origin":  # several names add up
                value = [*fields.get(field, ()), *as_list(value)]
            fields[field] = convert(value)
        elif name in AS_OURS and value == AS_OURS[name]:
            continue
        else:
            warn_unsupported("pn.serve", name, UNSUPPORTED[name] + ".")
    return fields, launch
