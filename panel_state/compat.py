"""Panel's names: the keywords Panel code passes, and how we answer the ones we lack.

Panel's names are a contract: every keyword Panel itself accepts in ``pn.extension``,
``pn.config``, ``pn.serve``, a widget or a pane is accepted here too. Those we support
work; the rest are accepted with one :class:`UnsupportedWarning` per name and process
(:func:`warn_unsupported`), naming what is not supported yet. Only names Panel does not
know are errors.
"""

from __future__ import annotations

import threading
import warnings

__all__ = ["PANEL_CONFIG", "UnsupportedWarning", "warn_unsupported"]

#: Every option of Panel 1.x's ``pn.config`` (and so of ``pn.extension(**config)``).
PANEL_CONFIG = frozenset({
    "admin", "admin_endpoint", "admin_log_level", "admin_plugins", "apply_signatures",
    "auth_template", "authorize_callback", "autoreload", "basic_auth", "basic_auth_template",
    "browser_info", "cache_path", "cdn_root", "comms", "console_output", "cookie_path",
    "cookie_secret", "css_files", "defer_load", "design", "disable_validation",
    "disconnect_notification", "embed", "embed_json", "embed_json_prefix", "embed_load_path",
    "embed_save_path", "exception_handler", "global_css", "global_loading_spinner",
    "index_titles", "inline", "js_files", "js_modules", "layout_compatibility",
    "load_entry_points", "loading_color", "loading_indicator", "loading_max_height",
    "loading_spinner", "log_level", "notifications", "npm_cdn", "nthreads",
    "oauth_encryption_key", "oauth_expiry", "oauth_extra_params", "oauth_guest_endpoints",
    "oauth_jwt_user", "oauth_key", "oauth_optional", "oauth_provider", "oauth_redirect_uri",
    "oauth_refresh_tokens", "oauth_secret", "profiler", "raw_css", "ready_notification",
    "reconnect", "respect_explicit_sizing", "reuse_sessions", "safe_embed",
    "session_history", "session_key_func", "sizing_mode", "template", "theme", "throttled",
})


class UnsupportedWarning(UserWarning):
    """A name Panel accepts that panel_state accepts but does not act on yet."""


_warned: set[tuple[str, str]] = set()
_lock = threading.Lock()


def warn_unsupported(where: str, name: str, detail: str = "") -> bool:
    """Warn once per process that ``where`` ignores Panel's ``name``; True if it warned.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     first = warn_unsupported("pn.doctest", "design")
    ...     second = warn_unsupported("pn.doctest", "design")
    >>> first, second, len(caught)
    (True, False, 1)
    """
    key = (where, name)
    with _lock:
        if key in _warned:
            return False
        _warned.add(key)
    extra = f" {detail}" if detail else ""
    warnings.warn(f"{where}: Panel's {name!r} is not supported by panel_state yet and is "
                  f"ignored.{extra}", UnsupportedWarning, stacklevel=3)
    return True


def forget_warnings() -> None:
    """Warn again for every name (tests and ``state.reset`` call this)."""
    with _lock:
        _warned.clear()
