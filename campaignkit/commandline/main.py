"""Command line: Chinese usage, help and messages; documented exit statuses; never a traceback.

Exit statuses (README, docs/内容格式.md):
    0   done
    1   the content has problems (each one named with file, line and field), or the site was
        published but some private paperwork was not made (named in the summary)
    2   an internal error of the kit (details in .build/last-error.log)
    64  the command line is wrong (unknown command or option, missing argument)
    69  this command cannot run here (native Windows: use WSL 2)
    130 interrupted (Ctrl-C)
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from pathlib import Path

from campaignkit.commandline import editor_commands as extra_commands
from campaignkit.commandline.chinese_argparse import USAGE_ERROR, Parser
from campaignkit.common import progress
from campaignkit.common.problems import BuildError

OK, CONTENT_PROBLEM, INTERNAL_ERROR, UNAVAILABLE, INTERRUPTED = 0, 1, 2, 69, 130
COMMANDS = ("build", "check", "serve", "new", "reference", *extra_commands.COMMANDS, "wechat")
DRAFTS_OUTPUT = ".build/drafts"  # where --drafts builds: never the public site/

EPILOG = """\
例子：
  build.py                     检查内容，生成网站和讲义，放进 site/
  build.py check               只检查内容
  build.py serve               在浏览器里实时预览（http://127.0.0.1:8000/）
  build.py new cases 2024-03-feixian   新建一个隐患案例文件
  build.py --drafts            连草稿一起生成到 .build/drafts/，供内部预览
  build.py template 隐患台账   生成空白表格；填好后 build.py import 隐患台账.xlsx 导入
  build.py wechat cases/2024-03-feixian   上传照片，生成（或更新）公众号草稿

退出状态：0 成功；1 内容有问题；2 程序内部出错；64 命令写错了；69 这台电脑上不能运行；130 被中断。
"""


def _kinds() -> dict[str, str]:
    """What `new` can make: folder → Chinese name (registry.KINDS and free pages)."""
    from campaignkit.content.kinds import name_of
    from campaignkit.editing.new_file import kinds

    return {k: name_of(k) for k in kinds()}


def _parser() -> Parser:
    p = Parser(prog="build.py", description="生成共建区安全充电网站和培训讲义", epilog=EPILOG)
    commands = p.add_subparsers(dest="command", metavar="命令", parser_class=Parser)

    build = commands.add_parser("build", help="完整生成网站和讲义（默认）", description="检查内容，生成网站和讲义，放进 site/")
    build.add_argument(
        "--drafts", action="store_true", help=f"把草稿（draft: true）也生成出来，放进 {DRAFTS_OUTPUT}/ 供内部预览（不会写 site/）"
    )
    build.add_argument("--content", default="content", metavar="文件夹", help="内容文件夹（默认 content）")
    build.add_argument("--output", default=None, metavar="文件夹", help="输出文件夹（默认 site）")
    build.add_argument("--no-pdf", action="store_true", help="不生成 PDF 讲义（只用于快速预览网页）")
    build.add_argument(
        "--jobs", type=int, default=0, metavar="个数", help="同时工作的进程数（生成 PDF 和网页；默认等于 CPU 核数）"
    )

    check = commands.add_parser("check", help="只检查内容，不生成", description="只检查内容，不生成网站（几秒钟）")
    check.add_argument("--drafts", action="store_true", help="按连草稿一起发布的规则检查")
    check.add_argument("--content", default="content", metavar="文件夹", help="内容文件夹（默认 content）")
    check.add_argument(
        "--output", default="site", metavar="文件夹", help="已发布的网站文件夹（默认 site），用来检查已发布的网址是否还在"
    )

    serve = commands.add_parser(
        "serve",
        help="实时预览：改了内容，浏览器里的页面自动刷新",
        description="在本机启动预览网站（含草稿），内容、模板或 mkdocs.yml 一改就重新生成并刷新浏览器。"
        "不会改动 site/。按 Ctrl-C 停止。",
    )
    serve.add_argument("--port", type=int, default=8000, metavar="端口", help="端口（默认 8000）")
    serve.add_argument("--content", default="content", metavar="文件夹", help="内容文件夹（默认 content）")

    kinds = _kinds()
    new = commands.add_parser(
        "new",
        help="按模板新建一个内容文件",
        description="新建 content/<类型>/<编号>.yml，列出该类型的全部字段和中文说明。",
        epilog="类型：" + "；".join(f"{k}（{v}）" for k, v in kinds.items()),
    )
    new.add_argument("kind", choices=list(kinds), metavar="类型", help="内容类型：" + "、".join(kinds))
    new.add_argument("id", metavar="编号", help="小写英文字母、数字和“-”，如 2024-03-feixian；编号就是网址")
    new.add_argument("--content", default="content", metavar="文件夹", help="内容文件夹（默认 content）")

    commands.add_parser(
        "reference",
        help="重新生成字段说明 docs/内容格式.md（开发者用）",
        description="按内容格式（schema）重新生成 docs/内容格式.md",
    )
    extra_commands.register(commands)  # spreadsheets and forms (commands.py)
    wechat = commands.add_parser(
        "wechat",
        help="把公众号文章连同照片上传成草稿（不会发表）",
        description="用公众号的开发者账号（AppID、AppSecret）上传文章里的照片和封面，在公众号的草稿箱里新建草稿；"
        "同一篇再运行一次就更新同一份草稿，已上传的照片不会重传。不会发表，请到草稿箱检查后自己发表。"
        "先运行 build.py 生成网站和文章。不带文章编号时列出全部文章编号。",
        epilog="账号：环境变量 WECHAT_APPID 和 WECHAT_APPSECRET，或文件 .wechat/account.yml（两行：appid: … 和 appsecret: …）。"
        "这台电脑的 IP 地址要先加进公众号后台“设置与开发 → 基本配置 → IP白名单”。详见 docs/wechat.md。",
    )
    wechat.add_argument("articles", nargs="*", metavar="文章编号", help="如 report、cases/hengshun-cangku-feixian")
    wechat.add_argument("--all", action="store_true", help="全部文章")
    wechat.add_argument("--site", default="site", metavar="文件夹", help="已生成的网站文件夹（默认 site），照片从这里上传")
    return p


def parse(argv: list[str]):
    argv = list(argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")  # `build.py`, `build.py --no-pdf`: the build is the default command
    return _parser().parse_args(argv)


def main(argv: list[str]) -> int:
    try:
        args = parse(argv)
    except SystemExit as exc:  # --help (0) or a usage error (USAGE_ERROR), already printed
        return exc.code if isinstance(exc.code, int) else USAGE_ERROR
    project = Path.cwd()
    from campaignkit.commandline import platform_support

    refusal = platform_support.refusal(args.command)
    if refusal:
        print(refusal, file=sys.stderr)
        return UNAVAILABLE
    previous = progress.current()
    reporter = progress.use(progress.Reporter(stream=sys.stderr, quiet=args.command == "check"))
    try:
        return _run(args, project, reporter)
    except BuildError as exc:
        print(exc.message, file=sys.stderr)
        return CONTENT_PROBLEM
    except KeyboardInterrupt:
        progress.silence()
        print("已中断，site/ 保持不变。", file=sys.stderr, flush=True)
        return INTERRUPTED
    except Exception:  # a bug in the kit, not in the content: keep the details in a log, not on screen
        log = project / ".build" / "last-error.log"
        log.parent.mkdir(exist_ok=True)
        log.write_text(traceback.format_exc(), encoding="utf-8")
        logging.shutdown()
        print(
            f"构建程序内部出错（不是内容的问题），site/ 保持不变。详细信息已写入 {log.relative_to(project)}，请发给技术人员。",
            file=sys.stderr,
        )
        return INTERNAL_ERROR
    finally:
        progress.use(previous)  # in-process callers (tests) keep their own reporter and stream


def _run(args, project: Path, reporter: progress.Reporter) -> int:
    from campaignkit.build import pipeline

    if args.command == "check":
        n = pipeline.check(project / args.content, include_drafts=args.drafts, site_dir=project / args.output)
        print(f"内容检查通过：共 {n} 个文件，没有发现问题。")
        return OK
    if args.command == "new":
        from campaignkit.editing import new_file as scaffold

        path = scaffold.create(project / args.content, args.kind, args.id)
        print(
            f"已新建 {path.relative_to(project).as_posix() if path.is_relative_to(project) else path}，"
            "请填写必填项（标有“必填”）后运行 build.py check 检查。"
        )
        return OK
    if args.command == "reference":
        from campaignkit.editing import field_reference as reference

        path = reference.write(project / reference.DEFAULT_PATH)
        print(f"已更新 {path.relative_to(project).as_posix()}")
        return OK
    if args.command == "serve":
        from campaignkit.editing import forms as admin
        from campaignkit.editing import preview_server as serve
        from campaignkit.editing import wechat_export_page as wechat_preview

        admin.mount_on_preview(project / args.content)  # the forms at /admin/
        wechat_preview.register()  # the 公众号 export page at /wechat/ (preview only, never on the site)
        serve.run(project, project / args.content, port=args.port)
        return OK
    if args.command == "wechat":
        return _wechat(args, project)
    if args.command in extra_commands.COMMANDS:
        return extra_commands.run(args, project)
    return _build(args, project, reporter)


def _wechat(args, project: Path) -> int:
    """`build.py wechat`: drafts in the 公众号 (wechat/drafts.py); without articles, the list."""
    from campaignkit.wechat import drafts

    try:
        _base, articles = drafts.manifest(project)
        keys = [a["key"] for a in articles] if args.all else args.articles
        if not keys:
            done = drafts.Memory.load(project / drafts.STATE_FILE, account.appid).data["drafts"] if (
                account := drafts.credentials(project)) else {}  # fmt: skip
            print("可以生成草稿的文章（build.py wechat 文章编号 …，或 --all 全部）：")
            for a in articles:
                print(f"  {a['key']}  【{a['kind']}】{a['title']}{'（已有草稿）' if a['key'] in done else ''}")
            if account is None:
                print(f"还没有设置公众号开发者账号：{drafts.ACCOUNT_FILE} 或环境变量 {drafts.APPID_VARIABLE}、{drafts.SECRET_VARIABLE}。"
                      "没有账号时，请用 wechat/index.html 复制粘贴，照片按页面上的编号手动插入。")  # fmt: skip
            return OK
        account = drafts.credentials(project)
        if account is None:
            print(f"没有公众号开发者账号，不能上传：请在 {drafts.ACCOUNT_FILE} 里写 appid: 和 appsecret:（或设置环境变量 "
                  f"{drafts.APPID_VARIABLE}、{drafts.SECRET_VARIABLE}），见 docs/wechat.md。没有账号时，请用 wechat/index.html "
                  "复制粘贴，照片按页面上的编号手动插入。", file=sys.stderr)  # fmt: skip
            return CONTENT_PROBLEM
        results = drafts.make_drafts(project, keys, account, site_dir=args.site)
    except drafts.WechatError as exc:
        print(exc.message, file=sys.stderr)
        return CONTENT_PROBLEM
    print(f"完成：{len(results)} 篇草稿在公众号后台“内容与互动 → 草稿箱”里。本命令不会发表，请检查后在公众号后台发表。")
    return OK


def _build(args, project: Path, reporter: progress.Reporter) -> int:
    from campaignkit.build import pipeline

    output = args.output or (DRAFTS_OUTPUT if args.drafts else "site")
    site_dir = (project / output).resolve()
    if args.drafts and site_dir == (project / "site").resolve():
        print(f"草稿不能生成到 site/（公开发布的文件夹）。去掉 --output，草稿会生成到 {DRAFTS_OUTPUT}/。", file=sys.stderr)
        return USAGE_ERROR
    start = time.monotonic()
    summary = pipeline.build(
        project,
        project / args.content,
        site_dir,
        include_drafts=args.drafts,
        pdf=not args.no_pdf,
        jobs=args.jobs or os.cpu_count() or 1,
        published_site=project / "site" if args.drafts and not args.output else None,
    )
    print(closing_summary(reporter, time.monotonic() - start, site_dir, project, drafts=args.drafts))
    print(summary)
    return CONTENT_PROBLEM if getattr(summary, "not_made", None) else OK  # the site is out; some private paperwork is not


def closing_summary(reporter: progress.Reporter, seconds: float, site_dir: Path, project: Path, drafts: bool) -> str:
    """What came from the cache, how long it took and where the output is (the line before the summary)."""
    cached = [
        f"{r.name.removeprefix('处理').removeprefix('生成')} {r.from_cache}/{r.done} {r.unit}"
        for r in reporter.finished
        if r.from_cache
    ]
    where = site_dir.relative_to(project).as_posix() if site_dir.is_relative_to(project) else str(site_dir)
    text = f"用时 {seconds:.1f} 秒；" + (f"沿用缓存：{'、'.join(cached)}；" if cached else "没有可沿用的缓存；")
    text += f"输出在 {where}/"
    if drafts:
        text += "（含草稿，只供内部预览，不要发布；用 build.py serve 在浏览器里看）"
    return text + "。"
