#!/usr/bin/env bash
# .venv-properdocs: requirements.txt with ProperDocs (requirements-properdocs.txt) in place of MkDocs,
# for tests/test_engine.py. MkDocs itself is left out (--no-deps: requirements.txt is a full freeze),
# so nothing in it can quietly run MkDocs (Material declares mkdocs as a requirement; ProperDocs'
# import redirects `mkdocs.*` to `properdocs.*`). Made again only when a requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-properdocs
stamp="$venv/.installed-$(cat requirements.txt requirements-properdocs.txt | sha256sum | cut -c1-16)"
[ -e "$stamp" ] && exit 0
printf '[setup] making %s (ProperDocs in place of MkDocs)\n' "$venv"
rm -rf "$venv"
python3 -m venv "$venv"
grep -v -i '^mkdocs==' requirements.txt > "$venv/requirements-without-mkdocs.txt"
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps \
  -r "$venv/requirements-without-mkdocs.txt" -r requirements-properdocs.txt
touch "$stamp"
