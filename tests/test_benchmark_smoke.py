"""CI's smoke run of the benchmark: 50 generated cases, one run of each figure, no timing asserted
(a shared CI machine is no place for timings); what is checked is that every figure is there."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import PROJECT

pytestmark = pytest.mark.slow


def test_the_benchmark_runs_on_fifty_cases():
    proc = subprocess.run(
        [
            sys.executable,
            str(PROJECT / "scripts" / "benchmark.py"),
            "--sizes",
            "25,50",
            "--repeat",
            "1",
            "--pdf-cases",
            "3",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    small, large = results["sizes"]
    assert (small["cases"], large["cases"]) == (25, 50)
    for size in (small, large):
        assert set(size["cold_stages"]) >= {"load+validate", "model", "photos", "pages", "mkdocs", "extras", "audit", "publish"}
        for key in ("cold", "plain_mkdocs", "noop", "edit", "site_ratio", "edit_ratio", "load_validate_ms_per_file"):
            assert size[key] > 0, key
        assert 0 < size["largest_case_page_kb"] < 40 and 0 < size["peak_mb"] < 1024
    pdf = results["pdf"]
    assert pdf["handouts"] > 3 and pdf["kit_cold"] > 0 and pdf["serial_weasyprint"] > 0 and pdf["median_handout_kb"] > 0
    assert results["sample_serve"]["edit"] > 0 and results["sample_serve"]["cold"] > 0  # the preview of the sample
