"""``toolkit serve``: a guided web interview for people who do not use a terminal.

A small Flask application (an application factory, one blueprint, Jinja templates) that asks which
document, which place and the few answers the document needs, shows the words and the "before
sending" cautions, and hands out DOCX, PDF or both in a zip. It calls only toolkit's public API and
keeps nothing on the server: every answer travels in the form and the response.

Flask 3 (with Flask-Babel for English and Spanish, Flask-WTF for CSRF tokens) because it is small,
long maintained and well known; waitress serves it because it is a production WSGI server in pure
Python that runs the same on every platform, with no compiler and no worker processes to manage.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from typing import Callable, Iterable, List, Optional

from flask import Flask, request

LANGUAGES = ("en", "es")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")

#: Every page: nothing from another origin, no inline script or style, no framing, forms post here only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1, localhost: addresses only this computer reaches."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int, extra: Iterable[str] = ()) -> List[str]:
    """The Host header values the server answers (``name:port``); any other is refused, so a web
    page on another site cannot reach the interview through a DNS name pointed at this computer."""
    names = set(extra)
    if is_loopback(host):
        names.update(LOOPBACK_NAMES if host in ("127.0.0.1", "localhost") else (host,))
    elif host in ("0.0.0.0", "::"):
        names.update(LOOPBACK_NAMES)
        names.update({socket.gethostname(), socket.getfqdn()})
        try:
            names.update(socket.gethostbyname_ex(socket.gethostname())[2])
        except OSError:
            pass
    else:
        names.add(host)
    out = []
    for name in sorted(names):
        name = f"[{name}]" if ":" in name and not name.startswith("[") else name
        out.append(f"{name}:{port}".lower())
        if port == 80:
            out.append(name.lower())
    return out


def create_app(*, data: Optional[str] = None, hosts: Optional[Iterable[str]] = None, testing: bool = False) -> Flask:
    """The interview application. ``data`` is a YAML data file (default: the bundled one);
    ``hosts`` the Host header values to answer (see :func:`allowed_hosts`; None: 127.0.0.1 and
    localhost on any port, for tests)."""
    from flask_babel import Babel
    from flask_wtf.csrf import CSRFProtect

    from . import views

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # per process: only signs the CSRF token's cookie
        TESTING=testing,
        TOOLKIT_DATA=data,
        TOOLKIT_HOSTS=None if hosts is None else {h.lower() for h in hosts},
        MAX_CONTENT_LENGTH=64 * 1024,  # a form of a few short answers
        MAX_FORM_PARTS=200,
        BABEL_DEFAULT_LOCALE="en",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the browser session
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        SEND_FILE_MAX_AGE_DEFAULT=0,
        TEMPLATES_AUTO_RELOAD=False,
    )
    Babel(app, locale_selector=views.choose_locale)
    CSRFProtect(app)
    app.register_blueprint(views.blueprint)
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, *, data: Optional[str] = None,
          extra_hosts: Iterable[str] = (), threads: int = 4, ready: Optional[Callable[[str], None]] = None) -> None:
    """Serve the interview with waitress until interrupted. ``port`` 0 takes a free port;
    ``ready`` is called with the address to open once the server listens."""
    import waitress

    app = create_app(data=data, hosts=())
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="toolkit")
    effective = int(server.effective_port)  # type: ignore[union-attr]
    app.config["TOOLKIT_HOSTS"] = set(allowed_hosts(host, effective, extra_hosts))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    if ready is not None:
        ready(f"http://{shown}:{effective}/")
    try:
        server.run()
    finally:
        server.close()


def requested_language() -> Optional[str]:
    """The ``lang`` the request asks for, if it is one we have."""
    from werkzeug.exceptions import HTTPException

    try:
        lang = request.values.get("lang")
    except HTTPException:  # a form too large to read: its language is not known
        lang = request.args.get("lang")
    return lang if lang in LANGUAGES else None
