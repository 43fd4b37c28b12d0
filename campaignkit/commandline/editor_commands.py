"""The editors' extra commands: spreadsheets (template, import, export) and the forms server.

cli.py adds them to build.py's subcommands with `register` and hands them to `run`."""

from __future__ import annotations

from pathlib import Path

from campaignkit.common.problems import BuildError

COMMANDS = ("template", "import", "export", "forms")


def register(commands) -> None:
    """Add the spreadsheet and forms subcommands to build.py's subparsers (cli.py)."""
    from campaignkit.editing.forms import PASSWORD_VARIABLE
    from campaignkit.editing.workbook_kinds import BOOKS

    books = "|".join(BOOKS)
    folder = {"default": "content", "metavar": "文件夹", "help": "内容文件夹（默认 content）"}
    t = commands.add_parser(
        "template", help=f"生成空白表格（{books}）", description="生成空白的 Excel 表格：中文表头、下拉列表、日期格子和填写说明。"
    )
    t.add_argument("book", choices=list(BOOKS), metavar="表格", help=f"{books} 之一")
    t.add_argument("--output", metavar="文件", help="保存为（默认 <表格名>.xlsx）")
    t.add_argument("--content", **{**folder, "help": "内容文件夹（下拉列表里的企业等从这里读，默认 content）"})
    i = commands.add_parser(
        "import",
        help="导入填好的表格（默认只预演，不写入）",
        description="先列出会新建和修改哪些文件；有问题的行全部列出，一个文件也不写。",
    )
    i.add_argument("file", metavar="文件.xlsx")
    i.add_argument("--apply", action="store_true", help="真正写入（不加时只列出会新建和修改哪些文件）")
    i.add_argument("--update", action="store_true", help="允许修改已有的条目（只改表格里有的列，其他字段和注释不变）")
    i.add_argument("--photos", metavar="照片文件夹", help="表格里写的照片文件名在哪个文件夹")
    i.add_argument("--content", **folder)
    e = commands.add_parser(
        "export",
        help=f"把内容导出成表格（{books}）",
        description="把现有内容写成和空白表格一样的 Excel 表格；原样导入不会有任何变化。",
    )
    e.add_argument("--output", default="表格", metavar="文件夹", help="保存到哪个文件夹（默认 表格/）")
    e.add_argument("--content", **folder)
    f = commands.add_parser(
        "forms",
        help="只开内容表单（/admin/）和已生成的网站，不实时预览",
        description="内容表单和 site/ 里已生成的网站；要让其他电脑也能打开，用 --host 并先设置密码。"
        "平时请用 build.py serve（实时预览，也带 /admin/ 表单）。",
    )
    f.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="地址",
        help=f"监听地址（默认 127.0.0.1，只有本机能打开；其他地址必须先设置环境变量 {PASSWORD_VARIABLE}）",
    )
    f.add_argument("--port", type=int, default=8000, metavar="端口", help="端口（默认 8000）")
    f.add_argument("--site", default="site", metavar="文件夹", help="一起提供的网站文件夹（默认 site）")
    f.add_argument("--content", **folder)


def run(args, project: Path) -> int:
    content = (project / args.content).resolve()
    if args.command == "template":
        from campaignkit.editing import workbook_io as sheets

        book = sheets.BOOKS[args.book]
        out = Path(args.output or f"{book.title}.xlsx")
        sheets.save(sheets.template(book, content if content.is_dir() else None), out)
        print(f"已生成空白表格 {out}（工作表“{book.sheet}”，说明见“{sheets.INSTRUCTIONS}”）")
    elif args.command == "import":
        from campaignkit.editing import workbook_io as sheets

        path = Path(args.file)
        if not path.is_file():
            raise BuildError(f"{args.file}: 找不到这个文件")
        photos = Path(args.photos) if args.photos else None
        if photos is not None and not photos.is_dir():
            raise BuildError(f"{args.photos}: 找不到这个照片文件夹")
        result = sheets.import_book(path, content, photos, update=args.update)
        if result.problems:
            raise BuildError(result.report(apply=False))
        if args.apply:
            sheets.apply(result)
        print(result.report(apply=args.apply))
    elif args.command == "export":
        from campaignkit.editing import workbook_io as sheets

        out = Path(args.output)
        for book in sheets.BOOKS.values():
            sheets.save(sheets.export(book, content), out / f"{book.title}.xlsx")
        print(f"已导出 {'、'.join(f'{b}.xlsx' for b in sheets.BOOKS)} 到 {out}/")
    elif args.command == "forms":
        serve_forms(project, content, project / args.site, args.host, args.port)
    return 0


def serve_forms(project: Path, content: Path, site_dir: Path, host: str, port: int) -> None:
    from campaignkit.editing import forms as admin
    from campaignkit.editing import lan_forms_server as formserver

    server = formserver.FormServer(admin.AdminRoutes(content), site_dir, host, port)
    shown = host if host not in ("", "0.0.0.0", "::") else "本机地址"
    print(f"内容表单：http://{shown}:{port}/admin/   网站预览（{site_dir.name}/）：http://{shown}:{port}/")
    if server.password and not admin.is_loopback(host):
        print(formserver.PLAIN_HTTP_WARNING)
        print(f"其他电脑也能打开：用户名 {admin.USER}，密码是环境变量 {admin.PASSWORD_VARIABLE} 设置的密码。按 Ctrl+C 结束。")
    elif server.password:
        print(
            f"只有本机（和本机的 nginx）能打开，需要密码：用户名 {admin.USER}，密码是环境变量 {admin.PASSWORD_VARIABLE} 设置的密码。"
        )
    else:
        print("只有本机能打开（监听 127.0.0.1）。按 Ctrl+C 结束。")
    try:
        server.serve_forever()
    finally:
        server.shutdown()
