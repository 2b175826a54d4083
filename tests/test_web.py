"""The web interview (toolkit serve) through Flask's test client: every step, the error cases, the
security headers and the translations. The real-browser run is in test_web_browser.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import re
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

flask = pytest.importorskip("flask", reason="the web extra (flask) is not installed")

import toolkit  # noqa: E402
from toolkit.web import allowed_hosts, create_app, interview, texts  # noqa: E402

from conftest import DATE, docx_lines, pdf_text  # noqa: E402

WEB = Path(toolkit.__file__).parent / "web"
PO = WEB / "translations" / "es" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


@pytest.fixture
def client():
    return create_app(testing=True).test_client()


def token(page: bytes) -> str:
    found = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert found, "the form carries a CSRF token"
    return found.group(1).decode()


def text(response) -> str:
    """The page's text as a person reads it (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def answers(client, document="letter", jurisdiction="santa-clara", **values):
    """The details form's fields (as prefilled), updated with ``values``, with its CSRF token."""
    page = client.get(f"/details?document={document}&jurisdiction={jurisdiction}")
    assert page.status_code == 200, page.get_data(as_text=True)
    form = {"csrf_token": token(page.data), "document": document, "jurisdiction": jurisdiction, "date": DATE}
    for key in toolkit.DOCUMENTS[document].fields:
        found = re.search(rf'name="{key}" value="([^"]*)"'.encode(), page.data)
        assert found, f"the form asks {key}"
        form[key] = html.unescape(found.group(1).decode())
    form.update(values)
    return form


# --- the steps -------------------------------------------------------------------------------

def test_first_step_lists_every_document_in_the_catalogue(client):
    page = text(client.get("/", headers={"Accept-Language": "en"}))
    for kind in toolkit.DOCUMENTS.values():
        if kind.standalone:
            assert kind.title in page
            assert texts.kind_texts(kind.name)[0] in page
        else:  # a follow-up or an appeal answers a logged request: 'toolkit follow-up REF' makes it
            assert kind.title not in page


def test_a_new_kind_and_field_appear_without_a_change_to_the_web_app(client, monkeypatch):
    """Kinds and fields come from the catalogue: one added later gets generic words and a label."""
    new = dataclasses.replace(toolkit.DOCUMENTS["letter"], name="detainer-policy", title="Detainer policy",
                              summary="a policy on ICE detainer requests", fields=("signer", "sender_phone"))
    monkeypatch.setitem(toolkit.DOCUMENTS, "detainer-policy", new)
    monkeypatch.setitem(toolkit.FIELDS, "sender_phone", "telephone number of the sender")
    first = text(client.get("/", headers={"Accept-Language": "es"}))
    assert "Detainer policy" in first and "a policy on ICE detainer requests" in first
    assert "Un documento sobre Comunidades Seguras (Secure Communities) para que su condado" in first  # generic, in Spanish
    form = client.get("/details?document=detainer-policy&jurisdiction=santa-clara")
    assert 'name="sender_phone"' in form.get_data(as_text=True)
    assert "Sender phone" in text(form) and "telephone number of the sender" in text(form)
    done = client.post("/preview", data=answers(client, "detainer-policy", sender_phone="555-0100"))
    assert done.status_code == 200


def test_place_found_by_name_goes_on_to_the_answers(client):
    response = client.get("/place?document=foia&q=Santa+Clara+County")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/details?document=foia&jurisdiction=santa-clara")
    typed = client.get("/place?document=foia&q=Washington%2C+OR")  # as the type-ahead fills it in
    assert typed.headers["Location"].endswith("jurisdiction=washington-or")
    by_state = client.get("/place?document=foia&q=washington&state=OR")
    assert by_state.headers["Location"].endswith("jurisdiction=washington-or")


def test_place_near_miss_suggests_the_closest(client):
    response = client.get("/place?document=letter&q=santa+clar")
    assert response.status_code == 400
    assert "No county or city called “santa clar” was found" in text(response)
    assert "/details?document=letter&amp;jurisdiction=santa-clara" in response.get_data(as_text=True)


def test_place_shared_by_a_county_and_a_city_asks_which(client):
    page = client.get("/place?document=letter&q=baltimore")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'value="baltimore-md"' in body and 'value="baltimore-city-md"' in body
    assert "Several places are called “baltimore”" in text(page)
    assert "Baltimore city, MD (city)" in " ".join(text(page).split())  # an independent city is a city
    only_city = client.get("/place?document=letter&q=baltimore&kind=city")
    assert only_city.headers["Location"].endswith("jurisdiction=baltimore-city-md")
    many = client.get("/place?document=letter&q=washington").get_data(as_text=True)
    assert 'value="washington-or"' in many and 'value="washington-al"' in many


def test_type_ahead_suggests_names(client):
    found = client.get("/suggest?q=santa+cl").get_json()
    assert {"value": "Santa Clara County, CA", "label": "Santa Clara County, CA (county)"} in found
    assert client.get("/suggest?q=s").get_json() == []
    assert all(item["value"].endswith(", OR") for item in client.get("/suggest?q=wash&state=or").get_json())


def test_answers_are_prefilled_from_the_data(client):
    form = answers(client, "letter", "santa-clara")
    assert form["signer_title"] == "President of the Board of Supervisors, County of Santa Clara"
    assert form["date"] == DATE
    today = client.get("/details?document=letter&jurisdiction=santa-clara").get_data(as_text=True)
    assert f'value="{dt.date.today().isoformat()}"' in today


def test_preview_shows_the_words_and_the_cautions(write_yaml):
    data = write_yaml("""
        jurisdictions:
          - id: springfield
            name: Springfield
            formal_name: City of Springfield
            kind: city
            state: IL
            verified: false
    """)
    client = create_app(testing=True, data=str(data)).test_client()
    response = client.post("/preview", data=answers(client, "letter", "springfield", signer="Jane Doe"))
    page = text(response)
    assert response.status_code == 200
    assert "Before sending" in page and "marked 'verified: false'" in page
    assert "data.yaml:2: jurisdiction 'springfield'" in page and str(data.parent) not in page  # the file by name
    document = toolkit.compose("letter", "springfield", data=data, date=DATE, signer="Jane Doe")
    for line in document.lines()[:8]:
        assert " ".join(line.split()) in " ".join(page.split())


def test_change_my_answers_brings_them_back_into_the_form(client):
    form = answers(client, "foia", "arlington", signer="Ana Pérez", contact="ana@example.org", date="2026-12-01")
    preview = client.post("/preview", data=form)
    back = re.search(r'<form method="post" action="/details">(.*?)</form>', preview.get_data(as_text=True), re.S)
    assert back, "the preview offers to change the answers"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', back.group(1)))
    page = client.post("/details", data=fields).get_data(as_text=True)
    assert 'id="field-signer" name="signer" value="Ana Pérez"' in page  # the field itself, not the language form
    assert 'id="field-contact" name="contact" value="ana@example.org"' in page
    assert 'id="date" name="date" value="2026-12-01"' in page


def test_downloads_docx_pdf_and_both(client):
    form = answers(client, "foia", "arlington", signer="Ana Pérez", contact="ana@example.org")
    docx = client.post("/download", data={**form, "format": "docx"})
    assert docx.status_code == 200
    assert docx.headers["Content-Disposition"] == 'attachment; filename="arlington-foia.docx"'
    assert "Ana Pérez" in "\n".join(docx_lines(docx.data))
    pdf = client.post("/download", data={**form, "format": "pdf"})
    assert pdf.mimetype == "application/pdf" and "ana@example.org" in pdf_text(pdf.data)
    both = client.post("/download", data={**form, "format": "zip"})
    with zipfile.ZipFile(io.BytesIO(both.data)) as archive:
        assert sorted(archive.namelist()) == ["arlington-foia.docx", "arlington-foia.pdf"]
        assert "Ana Pérez" in pdf_text(archive.read("arlington-foia.pdf"))
        assert "ana@example.org" in "\n".join(docx_lines(archive.read("arlington-foia.docx")))
    assert both.headers["Cache-Control"] == "no-store"


# --- bad input: a clear message, never a traceback ----------------------------------------------

def assert_clear(response, *phrases):
    body = response.get_data(as_text=True)
    assert response.status_code in (400, 404, 421), response.status_code
    assert "Traceback" not in body and 'File "' not in body
    for phrase in phrases:
        assert phrase in text(response)


def test_markup_and_template_syntax_stay_literal(client):
    hostile = "<b>Ana</b> {{ 7*7 }} {% if x %}<script>alert(1)</script>"
    form = answers(client, "letter", signer=hostile)
    preview = client.post("/preview", data=form)
    assert preview.status_code == 200
    assert "<script>alert(1)" not in preview.get_data(as_text=True)
    assert hostile in text(preview)
    docx = client.post("/download", data={**form, "format": "docx"})
    assert hostile in "\n".join(docx_lines(docx.data))


def test_a_field_too_long_is_refused_on_the_page(client):
    response = client.post("/preview", data=answers(client, signer="x" * (interview.MAX_FIELD_LENGTH + 1)))
    assert_clear(response, "This answer is 301 characters long; keep it under 300.")
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


@pytest.mark.parametrize("date, message", [
    ("", "Give the date of the document."),
    ("23/11/2026", "Write the date as year-month-day"),
    ("1999-01-01", "Choose a date between 2008-01-01 and"),
    ("2999-01-01", "Choose a date between 2008-01-01 and"),
])
def test_a_missing_or_bad_date_is_refused_on_the_page(client, date, message):
    assert_clear(client.post("/preview", data=answers(client, date=date)), message)


def test_a_control_character_is_refused_on_the_page(client):
    response = client.post("/preview", data=answers(client, signer="Ana\x07"), headers={"Accept-Language": "es"})
    assert_clear(response, "Nombre de la persona que firma", "carácter de control invisible (U+0007)")


def test_an_error_the_library_finds_in_a_field_is_shown_on_that_field(client, monkeypatch):
    def refuse(document, jurisdiction, **kwargs):
        if "contact" in kwargs:
            raise toolkit.DataError("is not an email or postal address", field="contact")
        return compose(document, jurisdiction, **kwargs)

    compose = toolkit.compose
    monkeypatch.setattr(toolkit, "compose", refuse)
    response = client.post("/preview", data=answers(client, contact="?"))
    assert_clear(response, "Where replies should go (email or postal address)", ": is not an email or postal address")
    assert 'id="field-contact-error"' in response.get_data(as_text=True)


def test_missing_document_or_place_goes_back_a_step(client):
    assert_clear(client.get("/place?document=nothing"), "Choose one of the documents.")
    form = answers(client)
    del form["document"]
    assert_clear(client.post("/preview", data=form), "Choose one of the documents.")
    unknown = client.post("/preview", data={**answers(client), "jurisdiction": "atlantis"})
    assert unknown.status_code == 302 and "/place?document=letter" in unknown.headers["Location"]
    assert_clear(client.get("/place?document=letter&q=+"), "Type the name of a county or city.")
    assert_clear(client.get("/place?document=letter&q=" + "x" * 400), "That name is too long")


def test_a_place_without_a_government_is_explained(client):
    response = client.get("/details?document=letter&jurisdiction=hartford-ct")
    assert_clear(response, "The document could not be made:", "has no county government")


def test_forms_need_their_csrf_token(client):
    form = answers(client)
    del form["csrf_token"]
    assert_clear(client.post("/preview", data=form), "This form has expired")
    assert_clear(client.post("/download", data={**answers(client), "csrf_token": "forged", "format": "pdf"}),
                 "This form has expired")


def test_unknown_pages_and_formats_get_a_page_not_a_traceback(client):
    assert_clear(client.get("/nowhere"), "Page not found")
    assert_clear(client.post("/download", data={**answers(client), "format": "exe"}), "Something in the request was wrong")
    assert client.get("/preview").status_code == 405
    huge = client.post("/preview", data={**answers(client), "signer": "x" * 100_000})
    assert huge.status_code == 413 and "Too much text" in text(huge)


def test_an_unexpected_failure_shows_a_page_not_a_traceback(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(toolkit, "compose", broken)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/details?document=letter&jurisdiction=santa-clara")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body and "secret internals" not in body and "Traceback" not in body


# --- security --------------------------------------------------------------------------------

def test_other_host_names_are_refused():
    app = create_app(testing=True, hosts=allowed_hosts("127.0.0.1", 8000))
    client = app.test_client()
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "attacker.example:8000"}).status_code == 421
    assert client.get("/", headers={"Host": "127.0.0.1:8001"}).status_code == 421
    assert create_app(testing=True).test_client().get("/", headers={"Host": "rebound.example"}).status_code == 421
    assert "192.168.1.9:80" not in allowed_hosts("127.0.0.1", 80)
    assert allowed_hosts("192.168.1.9", 8080, ["toolkit.lan"]) == ["192.168.1.9:8080", "toolkit.lan:8080"]


def test_every_page_has_a_strict_csp_and_loads_nothing_from_elsewhere(client):
    pages = [client.get("/"), client.get("/place?document=letter&q=baltimore"),
             client.get("/details?document=letter&jurisdiction=santa-clara"),
             client.post("/preview", data=answers(client)), client.get("/nowhere")]
    for page in pages:
        policy = page.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        body = page.get_data(as_text=True)
        assert not re.search(r'(src|href|action)="(https?:)?//', body), "nothing from another origin"
        assert "<style" not in body and "<script>" not in body and " style=" not in body  # no inline code
    for name in ("style.css", "interview.js"):
        static = client.get(f"/static/{name}")
        assert static.status_code == 200 and b"http" not in static.data


def test_every_field_has_a_label_and_every_page_one_heading(client):
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.ids, self.labels, self.h1 = [], set(), 0

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
                self.ids.append(a.get("id"))
            elif tag == "label" and a.get("for"):
                self.labels.add(a["for"])
            elif tag == "h1":
                self.h1 += 1

    pages = [client.get("/"), client.get("/place?document=letter&q=baltimore"), client.get("/place?document=letter&q=zzzz"),
             client.get("/details?document=records-request&jurisdiction=santa-clara"),
             client.post("/preview", data=answers(client, signer="x" * 400)), client.post("/preview", data=answers(client))]
    for page in pages:
        parser = Fields()
        parser.feed(page.get_data(as_text=True))
        assert all(parser.ids), "every field has an id"
        assert not [i for i in parser.ids if i not in parser.labels], "every field has a <label for=...>"
        assert parser.h1 == 1


# --- languages -------------------------------------------------------------------------------

def test_language_follows_the_browser_and_the_switch(client):
    spanish = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in spanish.get_data(as_text=True)
    assert "¿Qué documento necesita?" in text(spanish)
    assert "Los documentos están escritos en inglés" in text(spanish)
    english = client.get("/", headers={"Accept-Language": "en-US"})
    assert "Which document do you need?" in text(english)
    assert 'href="/?lang=es"' in english.get_data(as_text=True)  # the switch on every page
    switched = client.get("/place?document=foia&lang=es", headers={"Accept-Language": "en-US"})
    assert "¿Qué condado o ciudad?" in text(switched)
    kept = client.get("/", headers={"Accept-Language": "en-US"})  # the choice is kept in a cookie
    assert "¿Qué documento necesita?" in text(kept)
    assert 'href="/?lang=en"' in kept.get_data(as_text=True)


def test_language_switch_on_the_preview_keeps_the_answers(client):
    form = answers(client, "foia", "arlington", signer="Ana Pérez")
    page = client.post("/preview", data={**form, "lang": "es"})
    assert "Revisar y descargar" in text(page) and "Ana Pérez" in text(page)
    body = page.get_data(as_text=True)
    switch = re.search(r'<nav class="language".*?</nav>', body, re.S).group(0)
    assert 'name="lang" value="en"' in switch and 'name="signer" value="Ana Pérez"' in switch
    assert "Fírmela y envíela a la oficina de FOIA de ICE" in text(page)  # what happens next, in Spanish
    assert 'lang="en" aria-label="Vista previa del documento"' in body  # the document stays English


def test_every_message_has_a_spanish_translation_and_the_catalog_is_current():
    from babel.messages.extract import extract_from_dir
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert not untranslated
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    extracted = {msg[2] for msg in extract_from_dir(str(WEB), method_map,
                                                    keywords={"_": None, "gettext": None, "_l": None,
                                                              "lazy_gettext": None})}
    missing = sorted(m for m in extracted if isinstance(m, str) and m not in catalog)
    assert not missing, f"run pybabel extract/update (see README): {missing}"
    with MO.open("rb") as handle:
        compiled = read_mo(handle)
    assert {m.id: m.string for m in catalog if m.id} == {m.id: m.string for m in compiled if m.id}, \
        "messages.mo is older than messages.po: run pybabel compile"


def test_kind_and_field_words_are_spanish_in_spanish_and_fall_back_for_new_ones():
    app = create_app(testing=True)
    with app.test_request_context("/?lang=en"):
        english = {name: texts.kind_texts(name) for name in [*toolkit.DOCUMENTS, "not-yet"]}
        english_labels = {key: texts.field_label(key) for key in texts.FIELD_LABELS}
    with app.test_request_context("/?lang=es"):
        for name in texts.KIND_TEXTS:  # kinds the library adds later use the generic words
            asks, then = texts.kind_texts(name)
            assert asks != english[name][0] and then != english[name][1] and asks != english["not-yet"][0]
        assert texts.kind_texts("not-yet")[0].startswith("Un documento sobre Comunidades Seguras")
        for key in texts.FIELD_LABELS:
            assert texts.field_label(key) != english_labels[key]
        assert texts.field_label("sender_address") == "Sender address"


# --- the command ---------------------------------------------------------------------------

def test_other_commands_do_not_import_the_web_stack():
    code = ("import sys; from click.testing import CliRunner; from toolkit.cli import main; "
            "r = CliRunner().invoke(main, ['list', '--state', 'DC']); assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug', 'waitress', 'flask_babel')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_serve_refuses_a_public_address_without_the_flag():
    from click.testing import CliRunner

    from toolkit.cli import main

    refused = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "--allow-remote" in refused.output


def test_serve_says_when_the_port_is_taken():
    from click.testing import CliRunner

    from toolkit.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in result.output


def test_serve_on_a_public_address_warns_and_prints_where_to_go(monkeypatch):
    from click.testing import CliRunner

    import toolkit.web
    from toolkit.cli import main

    calls = []

    def fake_serve(host, port, *, data, extra_hosts, ready):
        calls.append((host, port, tuple(extra_hosts)))
        ready("http://127.0.0.1:8765/")

    monkeypatch.setattr(toolkit.web, "serve", fake_serve)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--allow-remote", "--port", "8765",
                                       "--allowed-host", "toolkit.lan"])
    assert result.exit_code == 0, result.output
    assert calls == [("0.0.0.0", 8765, ("toolkit.lan",))]
    assert "warning: listening on 0.0.0.0: anyone who can reach this computer on port 8765" in result.output
    assert "the interview is at http://127.0.0.1:8765/" in result.output
    local = CliRunner().invoke(main, ["serve"])
    assert "warning" not in local.output and calls[-1][:2] == ("127.0.0.1", 8000)


def test_serve_checks_the_data_file_first_and_names_the_missing_extra(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from toolkit.cli import main

    import toolkit.web

    started = []
    monkeypatch.setattr(toolkit.web, "serve", lambda *args, **kwargs: started.append(args))
    broken = tmp_path / "mine.yaml"
    broken.write_text("jurisdictions: [1, 2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", "--data", str(broken)])
    assert result.exit_code == 1 and result.output.startswith(f"Error: {broken}:") and not started
    monkeypatch.undo()
    monkeypatch.delitem(sys.modules, "toolkit.web")  # as if Flask were not installed
    monkeypatch.delattr(toolkit, "web")
    monkeypatch.setitem(sys.modules, "flask", None)
    missing = CliRunner().invoke(main, ["serve"])
    assert missing.exit_code == 1, missing.output
    assert "the web interview needs the 'web' extra (flask is missing)" in missing.output
