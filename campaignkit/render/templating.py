"""One Jinja set-up for every output: the same filters, the same enumerations, StrictUndefined.

Each output (site pages, handouts, and later articles) calls `environment()` with its own
template folder and adds only what is its own (the site's relative links, the handouts'
QR codes). A typo in a template fails the build instead of printing nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined

from campaignkit.content import enums
from campaignkit.content.dates import cn_date
from campaignkit.content.markup import plain_text, render_markdown

FILTERS = {"md": render_markdown, "plain": plain_text, "cn_date": cn_date}
# Templates name enumerations as the code does: STATUS[c.status].mark, QUIZ_KIND.judge.text.
GLOBALS = {name.upper(): enumeration for name, enumeration in enums.ENUMERATIONS.items()}


def environment(folder: Path, autoescape: bool = True, **options) -> Environment:
    """A Jinja environment for one output's templates, with the shared filters and globals."""
    settings = dict(autoescape=autoescape, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, **options)
    env = Environment(loader=FileSystemLoader(str(folder)), bytecode_cache=bytecode_cache(settings), **settings)
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env


def bytecode_cache(settings: dict) -> FileSystemBytecodeCache:
    """Compiled templates kept between builds (Jinja's own cache, in a private folder under the
    temporary directory): compiling them again cost a second of every preview rebuild. Jinja keys
    a template by its name and source, not by the environment's settings, which change the
    compiled code: so one cache per set of settings."""
    digest = hashlib.sha256(repr(sorted((k, getattr(v, "__name__", v)) for k, v in settings.items())).encode())
    return FileSystemBytecodeCache(pattern=f"__campaignkit_{digest.hexdigest()[:12]}_%s.cache")
