"""Command line: Chinese messages, exit status 1 on any problem, never a traceback."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from pathlib import Path

from .problems import BuildError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="生成共建区安全充电网站和培训讲义")
    p.add_argument("command", nargs="?", default="build", choices=["build", "check"],
                   help="build：完整生成网站和讲义（默认）；check：只检查内容")
    p.add_argument("--drafts", action="store_true", help="把草稿（draft: true）也生成出来，供内部预览")
    p.add_argument("--content", default="content", help="内容文件夹（默认 content）")
    p.add_argument("--output", default="site", help="输出文件夹（默认 site）")
    p.add_argument("--no-pdf", action="store_true", help="不生成 PDF 讲义（只用于快速预览网页）")
    p.add_argument("--jobs", type=int, default=0, help="同时生成 PDF 的进程数（默认等于 CPU 核数）")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    project = Path.cwd()
    from . import pipeline

    try:
        if args.command == "check":
            n = pipeline.check(project / args.content, include_drafts=args.drafts, site_dir=project / args.output)
            print(f"内容检查通过：共 {n} 个文件，没有发现问题。")
        else:
            summary = pipeline.build(project, project / args.content, project / args.output,
                                     include_drafts=args.drafts, pdf=not args.no_pdf, jobs=args.jobs or os.cpu_count() or 1)
            print(summary)
        return 0
    except BuildError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断，site/ 保持不变。", file=sys.stderr)
        return 130
    except Exception:  # a bug in the kit, not in the content: keep the details in a log, not on screen
        log = project / ".build" / "last-error.log"
        log.parent.mkdir(exist_ok=True)
        log.write_text(traceback.format_exc(), encoding="utf-8")
        logging.shutdown()
        print(f"构建程序内部出错（不是内容的问题），site/ 保持不变。详细信息已写入 {log.relative_to(project)}，请发给技术人员。",
              file=sys.stderr)
        return 2
