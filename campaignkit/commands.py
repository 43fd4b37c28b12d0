"""The editors' extra commands: spreadsheets (template, import, export) and the forms server.

cli.py hands any of COMMANDS here, so these subcommands live beside the build's own options
without changing them."""
from __future__ import annotations

import argparse
from pathlib import Path

from .problems import BuildError

COMMANDS = ("template", "import", "export", "forms")


def _parser() -> argparse.ArgumentParser:
    from .sheets import BOOKS

    books = "|".join(BOOKS)
    p = argparse.ArgumentParser(prog="build.py", description="表格导入导出和内容表单")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")
    t = sub.add_parser("template", help=f"生成空白表格：build.py template <{books}>")
    t.add_argument("book", choices=list(BOOKS), metavar="表格", help=f"{books} 之一")
    t.add_argument("--output", help="保存为（默认 <表格名>.xlsx）")
    t.add_argument("--content", default="content", help="内容文件夹（下拉列表里的企业等从这里读，默认 content）")
    i = sub.add_parser("import", help="导入填好的表格（默认只预演，不写入）")
    i.add_argument("file", metavar="文件.xlsx")
    i.add_argument("--apply", action="store_true", help="真正写入（不加时只列出会新建和修改哪些文件）")
    i.add_argument("--update", action="store_true", help="允许修改已有的条目（只改表格里有的字段）")
    i.add_argument("--photos", metavar="照片文件夹", help="表格里照片文件名所在的文件夹")
    i.add_argument("--content", default="content", help="内容文件夹（默认 content）")
    e = sub.add_parser("export", help=f"把内容导出成表格（{books}）")
    e.add_argument("--output", default="表格", help="保存到哪个文件夹（默认 表格/）")
    e.add_argument("--content", default="content", help="内容文件夹（默认 content）")
    f = sub.add_parser("forms", help="在浏览器里用表单编辑内容（/admin/），同时预览已生成的网站")
    f.add_argument("--host", default="127.0.0.1", help="监听地址（默认只允许本机访问；其他地址必须先设置密码）")
    f.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    f.add_argument("--content", default="content", help="内容文件夹（默认 content）")
    f.add_argument("--site", default="site", help="预览的网站文件夹（默认 site）")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    project = Path.cwd()
    content = (project / args.content).resolve()
    if args.command == "template":
        from . import sheets

        book = sheets.BOOKS[args.book]
        out = Path(args.output or f"{book.title}.xlsx")
        sheets.save(sheets.template(book, content if content.is_dir() else None), out)
        print(f"已生成空白表格 {out}（工作表“{book.sheet}”，说明见“{sheets.INSTRUCTIONS}”）")
    elif args.command == "import":
        from . import sheets

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
        from . import sheets

        out = Path(args.output)
        for book in sheets.BOOKS.values():
            sheets.save(sheets.export(book, content), out / f"{book.title}.xlsx")
        print(f"已导出 {'、'.join(f'{b}.xlsx' for b in sheets.BOOKS)} 到 {out}/")
    elif args.command == "forms":
        serve_forms(project, content, project / args.site, args.host, args.port)
    return 0


def serve_forms(project: Path, content: Path, site_dir: Path, host: str, port: int) -> None:
    from . import admin, formserver

    server = formserver.FormServer(admin.AdminRoutes(project, content), site_dir, host, port)
    shown = host if host not in ("", "0.0.0.0", "::") else "本机地址"
    print(f"内容表单：http://{shown}:{port}/admin/   网站预览（{site_dir.name}/）：http://{shown}:{port}/")
    if server.password:
        print(f"其他电脑也能打开：用户名 {admin.USER}，密码是环境变量 {admin.PASSWORD_VARIABLE} 设置的密码。按 Ctrl+C 结束。")
    else:
        print("只有本机能打开（监听 127.0.0.1）。按 Ctrl+C 结束。")
    try:
        server.serve_forever()
    finally:
        server.shutdown()
