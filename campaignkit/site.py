"""Stage 5: run MkDocs (Material theme) in strict mode on the staging docs folder.

MkDocs is driven through its Python API with the project's mkdocs.yml plus the
values that come from content/site.yml. Its warnings are collected and turned
into one Chinese error: in strict mode a warning fails the build.
"""
from __future__ import annotations

import html
import logging
from pathlib import Path

from .problems import BuildError, WarningCollector
from .registry import KINDS


def run_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path, site: dict, nav: list) -> None:
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    credits = site.get("credits") or {}
    footer = " · ".join(x for x in (
        f"供稿：{credits['contributor']}" if credits.get("contributor") else "",
        f"审核：{credits['reviewer']}" if credits.get("reviewer") else "",
        f"发布：{credits['publisher']}" if credits.get("publisher") else "",
        site.get("copyright") or "",
    ) if x)
    base_url = site["base_url"] if site["base_url"].endswith("/") else site["base_url"] + "/"
    import jieba  # imported here so that its import-time log level is overridden below

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not for editors
    collector = WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    previous_level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        config = load_config(
            config_file=str(config_file),
            docs_dir=str(docs_dir),
            site_dir=str(site_dir),
            site_name=html.escape(site["title"]),
            site_url=base_url,
            site_description=html.escape(site["description"]),
            site_author=html.escape(site["org"]),
            copyright=html.escape(footer),
            nav=nav,
            # Item pages stay out of the navigation (it is copied into every page): reached from lists.
            not_in_nav="\n".join(f"/{folder}/*" for folder in KINDS),
            strict=True,
        )
        build(config)
    except (exceptions.Abort, exceptions.MkDocsException, SystemExit) as exc:
        details = "\n".join(f"  - {m}" for m in collector.messages) or f"  - {exc}"
        raise BuildError(f"网站生成失败（MkDocs 严格模式报告了问题），site/ 保持不变：\n{details}") from None
    finally:
        logger.removeHandler(collector)
        logger.setLevel(previous_level)
    if collector.messages:
        details = "\n".join(f"  - {m}" for m in collector.messages)
        raise BuildError(f"网站生成时出现警告，site/ 保持不变：\n{details}")
