"""The interview's pages: document, place, answers, preview and downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional
from urllib.parse import urlencode

from flask import (Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request,
                   url_for)
from flask_babel import get_locale, gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

import toolkit

from . import CONTENT_SECURITY_POLICY, LANGUAGES, LOOPBACK_NAMES, interview, requested_language, texts

blueprint = Blueprint("interview", __name__)
STEPS = 4


def _offered():
    """The kinds a person can make from a place alone (follow-ups and appeals answer a logged request)."""
    return [k for k in toolkit.DOCUMENTS.values() if k.standalone]


def choose_locale() -> str:
    """The ``lang`` asked for, else the one chosen before (cookie), else the browser's preference."""
    asked = requested_language()
    if asked:
        return asked
    kept = request.cookies.get("lang")
    if kept in LANGUAGES:
        return kept  # type: ignore[return-value]
    return request.accept_languages.best_match(LANGUAGES) or "en"


def _data() -> Optional[str]:
    return current_app.config.get("TOOLKIT_DATA")


def _today() -> dt.date:
    return dt.date.today()


@blueprint.before_app_request
def refuse_other_hosts():
    """DNS-rebinding guard: answer only the Host names the server was bound to."""
    hosts = current_app.config.get("TOOLKIT_HOSTS")
    host = request.host.lower()
    if hosts is None:
        ok = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        allowed = ok in LOOPBACK_NAMES
    else:
        allowed = host in hosts
    if not allowed:
        return Response("This server answers only at the address it printed when it started.\n",
                        status=421, mimetype="text/plain")
    return None


@blueprint.after_app_request
def security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    asked = requested_language()
    if asked:
        response.set_cookie("lang", asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@blueprint.app_context_processor
def page_helpers() -> Dict[str, Any]:
    locale = str(get_locale() or "en")

    def switch_url(lang: str) -> str:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
        return request.path + "?" + urlencode(args)

    def form_items():
        try:
            return [(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", "lang", "format")]
        except HTTPException:  # a form too large to read: the page goes on without it
            return []

    return {
        "locale": locale,
        "other_language": "es" if locale == "en" else "en",
        "switch_url": switch_url,
        "form_items": form_items,
        "steps": STEPS,
        "max_length": interview.MAX_FIELD_LENGTH,
        "kind_texts": texts.kind_texts,
        "field_label": texts.field_label,
        "field_help": texts.field_help,
        "place_label": interview.label,
        "place_kind_word": place_kind_word,
        "caution_text": interview.caution_text,
    }


def place_kind_word(j) -> str:
    """"county" or "city" in the page's language (an independent city is a city)."""
    kind = interview.place_kind(j)
    return _("city") if kind == "city" else _("county") if kind == "county" else kind


def _error_page(status: int, title: str, message: str):
    return render_template("error.html", title=title, message=message), status


@blueprint.app_errorhandler(CSRFError)
def csrf_error(exc: CSRFError):
    return _error_page(400, _("This form has expired"),
                       _("The page was open too long or came from somewhere else. Go back, reload the page and try again."))


@blueprint.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    if exc.code == 404:
        return _error_page(404, _("Page not found"), _("There is no page at this address. Start again from the first step."))
    if exc.code == 413:
        return _error_page(413, _("Too much text"), _("The answers are too long to send. Shorten them and try again."))
    return _error_page(exc.code or 400, _("Something in the request was wrong"),
                       _("Go back to the first step and try again."))


@blueprint.app_errorhandler(Exception)
def unexpected_error(exc: Exception):
    current_app.logger.exception("unexpected error")
    return _error_page(500, _("Something went wrong"),
                       _("The document could not be made. Nothing was kept. Go back and try again; if it happens "
                         "again, the command line (toolkit) will show what is wrong."))


@blueprint.route("/")
def index():
    return render_template("index.html", documents=_offered(), step=1,
                           chosen=request.args.get("document"), error=None)


def _kind_or_back():
    kind = interview.document_kind(request.values.get("document"))
    if kind is None:
        return None, (render_template("index.html", documents=_offered(), step=1, chosen=None,
                                      error=_("Choose one of the documents.")), 400)
    return kind, None


@blueprint.route("/place")
def place():
    kind, back = _kind_or_back()
    if back:
        return back
    query = request.args.get("q", "")
    place_kind = request.args.get("kind") or None
    place_kind = place_kind if place_kind in interview.PLACE_KINDS else None
    state = (request.args.get("state") or "").upper() or None
    states = interview.states(_data())
    state = state if state in states else None
    found = None
    error = None
    if "q" in request.args:
        if not query.strip():
            error = _("Type the name of a county or city.")
        elif len(query) > interview.MAX_FIELD_LENGTH:
            error = _("That name is too long; type a county or city name.")
        else:
            found = interview.find_place(query, kind=place_kind, state=state, data=_data())
            if found.jurisdiction is not None:
                return redirect(url_for(".details", document=kind.name, jurisdiction=found.jurisdiction.id))
            if not found.candidates:
                error = _("No county or city called “%(query)s” was found.", query=query.strip())
    status = 400 if error else 200
    return render_template("place.html", kind=kind, query=query, place_kind=place_kind, state=state, states=states,
                           found=found, error=error, step=2), status


def _jurisdiction(kind) -> Any:
    jid = request.values.get("jurisdiction", "")
    try:
        return toolkit.find_jurisdiction(jid, data=_data()) if jid else None
    except toolkit.UnknownJurisdiction:
        return None


def _details(kind, j, values: Dict[str, str], date: str, errors: Dict[str, str], general: Optional[str], status=200):
    return render_template("details.html", kind=kind, j=j, values=values, date=date, errors=errors, general=general,
                           step=3, earliest=interview.EARLIEST_DATE.isoformat(),
                           latest=(_today() + dt.timedelta(days=interview.LATEST_DAYS_AHEAD)).isoformat(),
                           ), status


def _library_error(exc: toolkit.ToolkitError, kind) -> tuple:
    """(field errors, page error) for an error the library raised."""
    if exc.field in kind.fields:
        return {exc.field: exc.message}, None
    return {}, _("The document could not be made: %(reason)s", reason=exc.message)


@blueprint.route("/details", methods=["GET", "POST"])
def details():
    kind, back = _kind_or_back()
    if back:
        return back
    j = _jurisdiction(kind)
    if j is None:
        return redirect(url_for(".place", document=kind.name))
    if request.method == "POST":  # back from the preview to change the answers
        values = {key: request.form.get(key, "") for key in kind.fields}
        return _details(kind, j, values, request.form.get("date", ""), {}, None)
    today = _today()
    try:
        defaults = toolkit.compose(kind.name, j, date=today, data=_data()).fields
    except toolkit.ToolkitError as exc:
        errors, general = _library_error(exc, kind)
        return _details(kind, j, {}, today.isoformat(), errors, general, 400)
    values = {key: defaults.get(key, "") for key in kind.fields}
    return _details(kind, j, values, today.isoformat(), {}, None)


def _compose_from_form():
    """(kind, jurisdiction, document) from the posted answers, or a response showing what is wrong."""
    kind, back = _kind_or_back()
    if back:
        return None, back
    j = _jurisdiction(kind)
    if j is None:
        return None, redirect(url_for(".place", document=kind.name))
    answers = interview.check_answers(kind.fields, request.form, _today())
    raw = {key: request.form.get(key, "") for key in kind.fields}
    date = request.form.get("date", "")
    if answers.errors:
        errors = {key: texts.error_text(code, args) for key, (code, args) in answers.errors.items()}
        return None, _details(kind, j, raw, date, errors, None, 400)
    try:
        document = toolkit.compose(kind.name, j, date=answers.date, data=_data(), **answers.values)
    except toolkit.ToolkitError as exc:
        errors, general = _library_error(exc, kind)
        return None, _details(kind, j, raw, date, errors, general, 400)
    return (kind, j, document), None


@blueprint.route("/preview", methods=["POST"])
def preview():
    made, response = _compose_from_form()
    if response is not None:
        return response
    kind, j, document = made
    return render_template("preview.html", kind=kind, j=j, document=document, step=4,
                           values={key: request.form.get(key, "") for key in kind.fields}, date=request.form.get("date"))


@blueprint.route("/download", methods=["POST"])
def download():
    fmt = request.form.get("format", "")
    if fmt not in interview.DOWNLOADS:
        abort(400)
    made, response = _compose_from_form()
    if response is not None:
        return response
    _kind, _j, document = made
    try:
        name, payload, media = interview.download(document, fmt)
    except toolkit.ToolkitError as exc:
        return _error_page(400, _("The document could not be made"), exc.message)
    return Response(payload, mimetype=media, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Length": str(len(payload)),
    })


@blueprint.route("/suggest")
def suggest():
    query = request.args.get("q", "")[: interview.MAX_FIELD_LENGTH]
    state = (request.args.get("state") or "").upper() or None
    return jsonify([{"value": v, "label": label} for v, label in interview.suggest(query, state=state, data=_data())])
