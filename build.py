#!/usr/bin/env python3
"""Build the campaign site and handouts from content/.

    python build.py            full build into site/
    python build.py check      validate content only
    python build.py --drafts   include items marked draft: true
"""
import sys

from campaignkit.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
