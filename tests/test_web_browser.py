"""The whole interview in a real browser (Debian's Chromium through chromedriver), once in English
with the keyboard only and once in Spanish with the mouse, down to the downloaded files' words.

Set TOOLKIT_SCREENSHOTS=DIR to save a screenshot of every step at phone and desktop widths.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import docx_lines, pdf_text

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip("Chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)",
                allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
pytest.importorskip("flask", reason="the web extra (flask) is not installed")

from selenium.common.exceptions import (  # noqa: E402
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

SHOTS = os.environ.get("TOOLKIT_SCREENSHOTS")
WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``toolkit serve --port 0`` as a person runs it; yields the address it prints."""
    import selectors

    log = tmp_path_factory.mktemp("server") / "stderr.txt"
    with log.open("w") as errors:
        process = subprocess.Popen([sys.executable, "-m", "toolkit", "serve", "--port", "0"], stdout=subprocess.PIPE,
                                   stderr=errors, text=True)
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            line = process.stdout.readline() if selector.select(timeout=60) else ""
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, f"toolkit serve printed {line!r}; stderr: {log.read_text()}"
        yield found.group(0)
    finally:
        process.terminate()
        process.wait(timeout=10)


def browser(tmp_path: Path, language: str):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", f"--lang={language}", "--window-size=1280,900"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "intl.accept_languages": language,
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
    })
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.implicitly_wait(0)
    return driver, downloads


@pytest.fixture
def english(tmp_path):
    driver, downloads = browser(tmp_path, "en-US")
    yield driver, downloads
    driver.quit()


@pytest.fixture
def spanish(tmp_path):
    driver, downloads = browser(tmp_path, "es-ES,es")
    yield driver, downloads
    driver.quit()


def shoot(driver, name: str) -> None:
    """Screenshots of the whole page at phone and desktop widths, when TOOLKIT_SCREENSHOTS is set."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": height})
        driver.save_screenshot(str(Path(SHOTS) / f"{name}-{width}.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _replaced(exc: WebDriverException) -> bool:
    """Whether ``exc`` says the element read belonged to the page being replaced: Chromium reports
    it as a stale element, or, in the instant between two documents, as an "unhandled inspector
    error" whose node "does not belong to the document"."""
    return isinstance(exc, StaleElementReferenceException) or "does not belong to the document" in str(exc)


def wait(driver, condition):
    """Wait for ``condition`` (a page loading replaces the elements being read)."""

    def check(d):
        try:
            return condition(d)
        except WebDriverException as exc:
            if _replaced(exc):
                return False
            raise

    return WebDriverWait(driver, 10, ignored_exceptions=(NoSuchElementException,)).until(check)


def heading(driver) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def key(driver, *keys) -> None:
    driver.switch_to.active_element.send_keys(*keys)


def tab_to(driver, css: str) -> None:
    """Press Tab until the element matching ``css`` has the focus (keyboard only, like a person)."""
    for _ in range(80):
        if driver.execute_script("return document.activeElement.matches(arguments[0])", css):
            return
        key(driver, Keys.TAB)
    raise AssertionError(f"Tab never reached {css}")


def downloaded(folder: Path, name: str) -> bytes:
    path = folder / name
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if path.exists() and not list(folder.glob("*.crdownload")):
            return path.read_bytes()
        time.sleep(0.1)
    raise AssertionError(f"{name} was not downloaded; the folder has {sorted(p.name for p in folder.iterdir())}")


def page_text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


SIGNER = "Ana Pérez <b>&</b> {{ 7*7 }}"


def test_interview_in_english_with_the_keyboard_only(server, english):
    driver, downloads = english
    driver.get(server)
    assert heading(driver) == "Which document do you need?"
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    shoot(driver, "1-document-en")
    tab_to(driver, "input[name=document]:checked")
    for _ in range(3):  # letter -> resolution -> foia -> records-request
        key(driver, Keys.ARROW_DOWN)
    tab_to(driver, "button[type=submit]")
    key(driver, Keys.ENTER)

    wait(driver, lambda d: heading(d) == "Which county or city?")
    tab_to(driver, "#q")
    key(driver, "anchorag", Keys.ENTER)
    wait(driver, lambda d: "was found" in page_text(d))
    assert "Did you mean one of these?" in page_text(driver)
    shoot(driver, "2-place-en")
    tab_to(driver, 'a[href*="jurisdiction=anchorage-municipality-ak"]')
    key(driver, Keys.ENTER)

    wait(driver, lambda d: heading(d) == "Your answers")
    tab_to(driver, "#field-signer")
    key(driver, SIGNER)
    tab_to(driver, "#field-contact")
    key(driver, "ana@example.org")
    shoot(driver, "3-answers-en")
    key(driver, Keys.ENTER)

    wait(driver, lambda d: heading(d) == "Check and download")
    text = page_text(driver)
    assert "Before sending" in text and "verified: false" in text  # Alaska's bureau is not checked yet
    assert SIGNER in driver.find_element(By.CSS_SELECTOR, "article.paper").text
    shoot(driver, "4-preview-en")
    tab_to(driver, "button[value=docx]")
    key(driver, Keys.ENTER)
    docx = "\n".join(docx_lines(downloaded(downloads, "anchorage-municipality-ak-records-request.docx")))
    tab_to(driver, "button[value=pdf]")
    key(driver, Keys.ENTER)
    pdf = pdf_text(downloaded(downloads, "anchorage-municipality-ak-records-request.pdf"))
    for words in (docx, " ".join(pdf.split())):
        assert SIGNER in words and "ana@example.org" in words and "Anchorage" in words and "Alaska" in words


def test_interview_in_spanish_with_the_mouse(server, spanish):
    driver, downloads = spanish
    driver.get(server)
    assert heading(driver) == "¿Qué documento necesita?"  # from the browser's Accept-Language
    assert "Los documentos están escritos en inglés" in page_text(driver)
    shoot(driver, "1-document-es")
    driver.find_element(By.CSS_SELECTOR, "label[for=document-foia]").click()
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    wait(driver, lambda d: heading(d) == "¿Qué condado o ciudad?")
    box = driver.find_element(By.ID, "q")
    box.send_keys("Baltim")  # the type-ahead fills the list from /suggest (same origin, allowed by the CSP)
    wait(driver, lambda d: d.execute_script(
        "return Array.from(document.querySelectorAll('#q-list option')).map(o => o.value)"))
    options = driver.execute_script("return Array.from(document.querySelectorAll('#q-list option')).map(o => o.value)")
    assert "Baltimore city, MD" in options and "Baltimore County, MD" in options
    box.send_keys("ore", Keys.ESCAPE)  # Escape closes the list, which may cover the button
    driver.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    wait(driver, lambda d: "Varios lugares se llaman" in page_text(d))
    shoot(driver, "2-place-es")
    driver.find_element(By.CSS_SELECTOR, "label[for=pick-baltimore-city-md]").click()
    driver.find_element(By.CSS_SELECTOR, "form.panel button[type=submit]").click()

    wait(driver, lambda d: heading(d) == "Sus respuestas")
    assert "Nombre de la persona que firma" in page_text(driver)
    driver.find_element(By.ID, "field-signer").send_keys("José Álvarez")
    driver.execute_script("document.getElementById('date').value = '2026-11-23'")
    shoot(driver, "3-answers-es")
    driver.find_element(By.CSS_SELECTOR, "form[action='/preview'] button[type=submit]").click()

    wait(driver, lambda d: heading(d) == "Revisar y descargar")
    assert "Qué pasa después" in page_text(driver) and "Fírmela y preséntela por el portal de FOIA del DHS" in page_text(driver)
    shoot(driver, "4-preview-es")
    driver.find_element(By.CSS_SELECTOR, "nav.language button").click()  # switch language on a posted page
    wait(driver, lambda d: heading(d) == "Check and download")
    assert "José Álvarez" in driver.find_element(By.CSS_SELECTOR, "article.paper").text
    driver.find_element(By.CSS_SELECTOR, "nav.language button").click()
    wait(driver, lambda d: heading(d) == "Revisar y descargar")
    driver.find_element(By.CSS_SELECTOR, "button[value=zip]").click()
    with zipfile.ZipFile(io.BytesIO(downloaded(downloads, "baltimore-city-md-foia.zip"))) as archive:
        docx = "\n".join(docx_lines(archive.read("baltimore-city-md-foia.docx"))).replace("\xa0", " ")  # dates never wrap
        pdf = " ".join(pdf_text(archive.read("baltimore-city-md-foia.pdf")).split())
    for words in (docx, pdf):
        assert "José Álvarez" in words and "Baltimore" in words and "November 23, 2026" in words
        assert "Freedom of Information Act" in words  # the document itself stays in English
