#!/usr/bin/env python3
"""Write a generated content folder (tools/corpus.py) for benchmarks and scale tests.

    .venv/bin/python tools/make_corpus.py /tmp/big/content --cases 1000 [--seed 1] [--no-photos]

The folder must not exist yet. Build it with
    .venv/bin/python build.py --content /tmp/big/content --output /tmp/big/site
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.corpus import generate


def main() -> int:
    parser = argparse.ArgumentParser(description="生成测试用的内容文件夹（任意数量的案例，同一种子结果相同）")
    parser.add_argument("target", help="要生成的内容文件夹（不能已存在）")
    parser.add_argument("--cases", type=int, default=1000, help="案例数（默认 1000）")
    parser.add_argument("--seed", type=int, default=0, help="随机种子（默认 0）")
    parser.add_argument("--no-photos", action="store_true", help="不生成照片")
    args = parser.parse_args()
    target = Path(args.target)
    if target.exists():
        print(f"{target} 已存在，请换一个文件夹", file=sys.stderr)
        return 1
    counts = generate(target, args.cases, args.seed, photos=not args.no_photos)
    print("已生成：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
