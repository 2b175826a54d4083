"""The on-disk cache (toolkit/diskcache.py): same results with and without it, never in the way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import toolkit
from toolkit import diskcache
from toolkit.data import yamlsource
from toolkit.data.yamlsource import Mapping, Sequence

from conftest import DATE

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(folder))
    return folder


def same(a, b, where="") -> None:
    """``a`` and ``b`` are equal, of the same types, and remember the same lines, all the way down."""
    assert type(a) is type(b), where
    if isinstance(a, Mapping):
        assert (a.line, a.lines) == (b.line, b.lines), where
        assert list(a) == list(b), where
        for k in a:
            same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, Sequence):
        assert (a.line, a.lines) == (b.line, b.lines), where
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


TEXT = """\
name: Test
items:
  - 01002
  - {when: 2026-01-02, n: 3}
base: &b {x: 1}
merged:
  <<: *b
  y: 2
"""


def entries(folder: Path) -> list:
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def test_a_hit_gives_equal_data_with_equal_lines(cache, write_yaml):
    path = write_yaml(TEXT)
    first = yamlsource.load_file(path)
    assert len(entries(cache)) == 1
    again = yamlsource.load_file(path)
    assert again is not first
    same(yamlsource.load_text(TEXT, str(path)), again)
    assert again.line_of("merged") == 6 and again["items"].line_of(1) == 4 and again["items"][0] == "01002"


def test_the_bundled_data_is_the_same_from_the_cache(cache):
    parsed = yamlsource.load_text(Path(toolkit.DEFAULT_DATA).read_text(encoding="utf-8"), "x")
    yamlsource.load_file(toolkit.DEFAULT_DATA)
    same(parsed, yamlsource.load_file(toolkit.DEFAULT_DATA))


def test_an_edited_file_is_parsed_again(cache, write_yaml):
    path = write_yaml("a: 1\n")
    assert yamlsource.load_file(path) == {"a": 1}
    path.write_text("# moved down\na: 2\n", encoding="utf-8")
    data = yamlsource.load_file(path)
    assert data == {"a": 2} and data.line_of("a") == 2
    assert len(entries(cache)) == 2


def test_a_corrupt_entry_is_ignored_and_rewritten(cache, write_yaml):
    path = write_yaml(TEXT)
    yamlsource.load_file(path)
    (entry,) = entries(cache)
    good = entry.read_bytes()
    for bad in (b"", good[:-10], good[:-1] + bytes([good[-1] ^ 1]), b"not a cache entry at all"):
        entry.write_bytes(bad)
        same(yamlsource.load_text(TEXT, str(path)), yamlsource.load_file(path))
        assert entry.read_bytes() == good


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_entry_others_may_write_is_not_read(cache, write_yaml):
    path = write_yaml("a: 1\n")
    yamlsource.load_file(path)
    (entry,) = entries(cache)
    name = entry.name
    assert diskcache.get(name) == {"a": 1}
    entry.chmod(0o666)
    assert diskcache.get(name) is diskcache.MISSING
    assert yamlsource.load_file(path) == {"a": 1}


def test_an_unwritable_cache_folder_is_no_error(tmp_path, monkeypatch, write_yaml):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(blocker / "cache"))  # cannot be made, even by root
    path = write_yaml(TEXT)
    same(yamlsource.load_text(TEXT, str(path)), yamlsource.load_file(path))
    same(yamlsource.load_text(TEXT, str(path)), yamlsource.load_file(path))
    assert toolkit.Toolkit().find_jurisdiction("santa-clara").id == "santa-clara"


def test_errors_are_not_cached_and_read_the_same(cache, write_yaml):
    path = write_yaml("a: 1\na: 2\n")
    messages = []
    for _ in range(2):
        with pytest.raises(toolkit.DataError) as info:
            yamlsource.load_file(path)
        messages.append(str(info.value))
    assert messages[0] == messages[1] and "data.yaml:2:" in messages[0]
    assert entries(cache) == []


def test_the_folder_follows_xdg_and_home(monkeypatch, tmp_path):
    monkeypatch.delenv("TOOLKIT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert diskcache.folder() == str(tmp_path / "xdg" / "toolkit")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert diskcache.folder() == str(tmp_path / "home" / ".cache" / "toolkit")


def test_both_formats_are_byte_identical_with_a_cold_and_a_warm_cache(tmp_path):
    """Fresh processes (no in-process caches): an empty cache folder, then the one it filled."""
    env = dict(os.environ, TOOLKIT_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    outputs = []
    for run in ("cold", "warm"):
        out = tmp_path / run
        subprocess.run([sys.executable, "-m", "toolkit", "letter", "santa-clara", "--date", DATE, "--out", str(out)],
                       env=env, check=True, capture_output=True)
        outputs.append({p.name: p.read_bytes() for p in out.iterdir()})
        if run == "cold":
            assert entries(tmp_path / "cache"), "the first run filled the cache"
    assert sorted(outputs[0]) == ["santa-clara-letter.docx", "santa-clara-letter.pdf"]
    assert outputs[0] == outputs[1]


def test_compiled_templates_come_from_the_cache_with_their_limits_and_follow_edits(cache, tmp_path, monkeypatch):
    from toolkit import TemplateError
    from toolkit.templating import Sandbox, environment, render

    folder = tmp_path / "templates"
    folder.mkdir()
    template = folder / "t.j2"
    template.write_text("{% for i in range(90000) %}{% for j in range(2) %}{% endfor %}{% endfor %}", encoding="utf-8")
    with pytest.raises(TemplateError, match="runs too long"):
        render(environment([str(folder)]), "t.j2", {})
    assert [p.name for p in entries(cache) if p.name.startswith("jinja-")]

    def no_compiling(*args):
        raise AssertionError("compiled again")

    with monkeypatch.context() as patch:
        patch.setattr(Sandbox, "_parse", no_compiling)
        with pytest.raises(TemplateError, match="runs too long"):  # the loop limit is in the cached code
            render(environment([str(folder)]), "t.j2", {})
    template.write_text("hello {{ x }}", encoding="utf-8")
    assert render(environment([str(folder)]), "t.j2", {"x": "<b>"}) == "hello &lt;b&gt;"
    for entry in entries(cache):
        entry.write_bytes(entry.read_bytes()[:-5])
    assert render(environment([str(folder)]), "t.j2", {"x": 1}) == "hello 1"


def test_a_cached_docx_shell_needs_no_docxtpl(tmp_path):
    code = ("import sys, toolkit; toolkit.write('letter', 'santa-clara', formats=['docx'], out=sys.argv[1],"
            f" date='{DATE}'); print('docxtpl' in sys.modules)")
    env = dict(os.environ, TOOLKIT_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    seen = [subprocess.run([sys.executable, "-W", "ignore", "-c", code, str(tmp_path / run)], env=env, check=True,
                           capture_output=True, text=True).stdout.strip() for run in ("cold", "warm")]
    assert seen == ["True", "False"]
    name = "santa-clara-letter.docx"
    assert (tmp_path / "cold" / name).read_bytes() == (tmp_path / "warm" / name).read_bytes()


def test_a_broken_docx_shell_is_the_same_error_every_time(cache, tmp_path):
    import zipfile

    from toolkit import TemplateError
    from toolkit.render.docx import Shell

    bundled = Path(toolkit.DEFAULT_DATA).parent / "templates" / "shell.docx"
    broken = tmp_path / "shell.docx"
    with zipfile.ZipFile(bundled) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p><w:r><w:t>{% if %}</w:t></w:r></w:p></w:body>")
            dst.writestr(info, data)
    for _ in range(2):
        with pytest.raises(TemplateError, match="tags do not compile"):
            Shell(str(broken))
    assert not [p for p in entries(cache) if p.name.startswith("docx-shell")]
    (tmp_path / "not.docx").write_bytes(b"not a zip")
    with pytest.raises(TemplateError, match="cannot be read"):
        Shell(str(tmp_path / "not.docx"))
    Shell(str(bundled))
    assert [p for p in entries(cache) if p.name.startswith("docx-shell")]
