"""Browser tests (issue 6): the sample site in Debian's Chromium on a WeChat-like phone.

A package so that its conftest.py does not shadow tests/conftest.py (pytest imports both
under the name "conftest" otherwise)."""
