"""A corpus of editors' mistakes (tests/data/editor_mistakes.yml), each made in a fresh copy of
the sample content and run through `build.py check`: every one must be exactly one Chinese
message `content/<file>:<line>: …` on the line of the mistake, saying what the data expects."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml

from campaignkit.commandline import main as cli

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "editor_mistakes.yml").read_text(encoding="utf-8"))
WHERE = re.compile(r"^content/(?P<file>[^:]+):(?P<line>[0-9]+): (?P<rest>.+)$")


def apply(s, m: dict) -> str:
    """Make the mistake; return the text of `file` as the editor sees it."""
    if "copy" in m:
        source, target = m["copy"]
        s.path(target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(s.path(source), s.path(target))
    if "replace" in m:
        s.replace(m["file"], *m["replace"])
    if "append" in m:
        s.write(m["file"], s.read(m["file"]) + m["append"])
    if "write" in m:
        s.write(m["file"], m["write"])
    if "write_gbk" in m:
        s.write(m["file"], m["write_gbk"].encode("gbk"))
        return m["write_gbk"]
    return s.read(m["file"])


def test_the_corpus_is_large_and_varied():
    assert len(CORPUS) >= 40
    assert len({m["name"] for m in CORPUS}) == len(CORPUS)
    assert {m["habit"] for m in CORPUS} >= {"输入法", "Excel", "微信", "Word", "手打"}


@pytest.mark.slow  # ~50 checks of the whole sample content, ~0.3 s each
@pytest.mark.parametrize("mistake", CORPUS, ids=[m["name"] for m in CORPUS])
def test_each_mistake_gets_one_chinese_message_on_its_line(scratch, mistake):
    text = apply(scratch, mistake)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["check", "--content", str(scratch.content), "--output", str(scratch.root / "never-built")])
    lines = err.getvalue().splitlines()
    assert status == 1 and "Traceback" not in err.getvalue(), err.getvalue()
    assert lines[-1] == "共发现 1 处问题，未生成网站，site/ 保持不变。", lines
    where = WHERE.match(lines[0])
    assert where, lines[0]
    at = mistake["at"]
    line = 1 if at is None else next(n for n, row in enumerate(text.split("\n"), 1) if at in row)
    assert (where["file"], int(where["line"])) == (mistake["file"], line), lines[0]
    assert mistake["expect"] in where["rest"], lines[0]
    assert re.search(r"[\u4e00-\u9fff]", where["rest"])
