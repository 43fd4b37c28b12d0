#!/usr/bin/env bash
# Set up this project on a Debian/Ubuntu machine; safe to run again (a second run takes seconds).
#   scripts/setup.sh         what the build needs: fonts, WeasyPrint's libraries, .venv with requirements.txt
#                            and Node.js with the content forms (Decap CMS, served by build.py serve at /admin/)
#   scripts/setup.sh --dev   also what the tests need: poppler, zbar, chromium, a Java runtime (the W3C Nu HTML
#                            Checker, npm vnu-jar), Lighthouse and pa11y, requirements-dev.txt
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

say() { printf '[setup] %s\n' "$*"; }

# Debian packages: CJK and emoji fonts (no tofu in PDFs), HarfBuzz subsetting (50x faster PDFs),
# Pango and fontconfig for WeasyPrint.
debs=(fonts-noto-cjk fonts-noto-color-emoji libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig)
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then debs+=(python3-venv); fi
# Node.js runs the content forms' local-files proxy (decap-server): editors need it, not only tests.
command -v node >/dev/null 2>&1 || debs+=(nodejs)
command -v npm >/dev/null 2>&1 || debs+=(npm)
if [ "$dev" = 1 ]; then
  debs+=(poppler-utils libzbar0 chromium nginx)  # nginx: tests/test_publishing_guide.py serves the site with the guide's config
  # curl, ss (iproute2): the attack tests talk to the forms' file-writing process and list open ports;
  # openssl: a self-signed certificate for the guide's HTTPS section
  debs+=(curl iproute2 openssl)
  debs+=(libreoffice-calc-nogui)  # tests/test_sheets_as_clerks_fill_them.py re-saves workbooks as LibreOffice does
  debs+=(default-jre-headless)  # runs vnu.jar (npm vnu-jar): tests/browser/test_pages.py; installed before npm ci, so vnu-jar finds java and downloads none
fi
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python packages into .venv, reinstalled only when a requirements file changed.
[ -x .venv/bin/python ] || { say "creating .venv"; python3 -m venv .venv; }
req=requirements.txt
[ "$dev" = 1 ] && req=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements.txt "$req" | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  say "installing Python packages from $req"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$req"
  touch "$stamp"
fi
# The second site engine's environment for tests/test_engine.py (ProperDocs in place of MkDocs).
if [ "$dev" = 1 ]; then scripts/properdocs-venv.sh; fi

# Node packages pinned by package-lock.json: the content forms (decap-cms, decap-server) for
# everyone, Lighthouse (devDependencies) for the tests. Lighthouse 12 needs Node.js >= 18.16
# (Debian 12 ships 18.20; Lighthouse 13 would need 22.19).
if [ -f package-lock.json ]; then
  node_version="$(node -p 'process.versions.node' 2>/dev/null || echo 0)"
  if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 16) ? 0 : 1)' 2>/dev/null; then
    say "Node.js $node_version is too old (needs 18.16 or newer): install a newer nodejs, then run this again"
    exit 1
  fi
  lock="$(sha256sum package-lock.json | cut -c1-16)"
  if [ "$dev" = 1 ]; then
    [ -e "node_modules/.installed-$lock-dev" ] || {
      say "installing Node packages (npm ci)"
      npm ci --no-audit --no-fund --loglevel=error
      touch "node_modules/.installed-$lock-dev"
    }
  elif [ ! -e "node_modules/.installed-$lock-dev" ] && [ ! -e "node_modules/.installed-$lock-runtime" ]; then
    say "installing Node packages for the content forms (npm ci --omit=dev)"
    npm ci --omit=dev --no-audit --no-fund --loglevel=error
    touch "node_modules/.installed-$lock-runtime"
  fi
fi
say "ready"
