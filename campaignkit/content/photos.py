"""Photos: checked where they are referenced, published resized for phones.

Originals under content/media/ are only read. Published copies are re-encoded
JPEGs (EXIF orientation applied, colours converted to sRGB, then every metadata
block dropped: EXIF with GPS and camera, XMP, JPEG comments, ICC profiles,
thumbnails), named by a hash of the original so no editor's file name leaks, and
cached in .cache/media/ between builds.

Decompression bombs are refused before decoding. A JPEG is decoded at 1/8 scale
(libjpeg's DCT scaling), so a 150-megapixel phone photo costs little and is
resized, not refused; PNG, WebP and HEIC have no such shortcut and are decoded in full,
so their limit is lower, and publishing reduces them at once to about the largest
rendition's size before anything else copies them. A progressive JPEG is the exception
among JPEGs: libjpeg keeps every DCT coefficient of the whole image (two bytes each) however
small it decodes, so one is refused when those alone would pass MAX_PROGRESSIVE_BYTES (measured
before: a progressive 14000×14000 JPEG cost 1,159 MB to inspect). No accepted photo costs more
than 500 MB to inspect or publish (tests/test_attacks.py measures it).
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import stat
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path, PurePosixPath

import pillow_heif
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from campaignkit.common import fstree
from campaignkit.common.code_version import code_digest
from campaignkit.common.problems import field_name

# iPhones save HEIC by default. pillow-heif (libheif) lets Pillow open it by its content, so a
# HEIC renamed .jpg is read as what it is; it applies the rotation itself (EXIF orientation reset).
pillow_heif.register_heif_opener()

# MPO: JPEG + depth map (Samsung, some iPhones); HEIF: iPhone photos (.heic), decoded in full.
FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC"}
DRAFT_FORMATS = {"JPEG", "MPO"}
SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
MAX_PIXELS = 200_000_000  # JPEG: a 150-megapixel phone photo passes; a 30000×30000 bomb does not
MAX_FULL_DECODE_PIXELS = 50_000_000  # PNG/WebP are decoded in full: ~200 MB at this size
MAX_PROGRESSIVE_BYTES = 300_000_000  # a progressive JPEG's coefficients: 100 MP in colour (4:2:0), 150 MP grey
WIDTHS = (480, 960)
QUALITY = 78
FOLDER = "media"  # where the site publishes the renditions
# Pillow's own bomb guard is replaced by the explicit check above, made before decoding.
Image.MAX_IMAGE_PIXELS = None


_CONTROL = re.compile("[\x00-\x1f]")


def check_photo_path(root: Path, rel: str) -> str | None:
    """Return a Chinese message if `rel` (relative to content/media/) is not a usable photo."""
    if rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel):
        return "图片路径不能是绝对路径：请写 content/media/ 之后的部分，如 cases/a-before.jpg"
    if "\\" in rel:
        return "图片路径请用“/”分隔，不要用“\\”"
    parts = PurePosixPath(rel).parts
    if ".." in parts:
        return "图片路径不能含“..”：图片必须放在 content/media/ 里"
    if parts and parts[0] in ("content", "media"):
        return f"图片路径从 content/media/ 之后写起，如 {'/'.join(parts[2:] if parts[0] == 'content' else parts[1:])}"
    if _CONTROL.search(rel):
        return "图片路径里有不可见的控制字符，请重新输入文件名"
    plain = _plain_photo_file(os.fspath(root), rel)
    if plain is not None:  # the usual case, decided with one lstat (and one realpath per folder)
        return _inspect_remembered(*plain)
    try:
        media_dir = (Path(root) / "media").resolve()
        path = Path(root) / "media" / rel
        if not path.exists() and not path.is_symlink():
            return f"找不到图片文件 content/media/{rel}{_similar_file(path, rel)}"
        try:
            path.resolve(strict=True).relative_to(media_dir)
        except ValueError:
            return "图片是指向 content/media/ 以外的链接，不能使用"
        except (FileNotFoundError, NotADirectoryError):
            return f"图片文件 content/media/{rel} 是一个失效的链接（指向的文件不存在）"
        if not path.is_file():
            return f"content/media/{rel} 不是文件"
        if path.suffix.lower() not in SUFFIXES:
            return "只支持 JPEG、PNG、WebP、HEIC 图片（扩展名 .jpg .jpeg .png .webp .heic）"
        real = path.resolve()
        return _inspect_remembered(str(real), real.stat())
    except RuntimeError:  # Path.resolve() on a symlink loop (Python < 3.13)
        return f"图片文件 content/media/{rel} 是一个循环链接，不能使用"
    except OSError as exc:  # a name too long for the file system, a loop, no permission …
        reason = {errno.ENAMETOOLONG: "文件名太长", errno.EACCES: "没有读取权限", errno.ELOOP: "循环链接"}.get(
            exc.errno or 0, "系统错误"
        )
        shown = rel if len(rel) <= 60 else rel[:57] + "…"
        return f"无法读取图片文件 content/media/{shown}（{reason}）"


def _plain_photo_file(root: str, rel: str) -> tuple[str, os.stat_result] | None:
    """(path, its lstat) when the photo is a regular file with a supported suffix reached without
    any symbolic link inside content/media/; None for anything else (checked step by step below)."""
    media_dir = _real_media_dir(root)
    if media_dir is None or os.path.splitext(rel)[1].lower() not in SUFFIXES:
        return None
    rel = os.path.normpath(rel)
    folder = os.path.dirname(rel)
    try:
        if not _real_folder(root, media_dir, folder):
            return None
        expected = os.path.join(media_dir, rel)
        info = os.lstat(expected)  # not a link itself (its folders are real): a regular file
    except (OSError, ValueError):
        return None
    return (expected, info) if stat.S_ISREG(info.st_mode) else None


# Folders under content/media/ found free of symbolic links, within one remembered_inspections
# block (a build): its photos share a few folders, each resolved once.
_real_folders: dict[tuple[str, str], bool] | None = None


def _real_folder(root: str, media_dir: str, folder: str) -> bool:
    """`folder` (relative to content/media/) is reached from `root` without any symbolic link."""
    if not folder:
        return True
    known = _real_folders.get((root, folder)) if _real_folders is not None else None
    if known is None:
        known = os.path.realpath(os.path.join(root, "media", folder)) == os.path.join(media_dir, folder)
        if _real_folders is not None:
            _real_folders[(root, folder)] = known
    return known


@lru_cache(maxsize=64)
def _real_media_dir(root: str) -> str | None:
    try:
        return os.path.realpath(os.path.join(root, "media"), strict=True)
    except (OSError, ValueError):
        return None


def _similar_file(path: Path, rel: str) -> str:
    """“；文件夹里有 IMG_0001.JPG …” when only the case (or an invisible character) differs."""
    from campaignkit.content.did_you_mean import cleaned, oddities

    folder = path.parent
    if not folder.is_dir():
        return ""
    wanted = cleaned(path.name).lower()
    same = [p.name for p in folder.iterdir() if p.name.lower() == wanted]
    why = f"文件名{oddities(path.name)}" if oddities(path.name) else "文件名的大小写要和文件完全一致"
    if not same:  # x.jpeg written for x.jpg, x.jpg for x.heic
        stem = PurePosixPath(wanted).stem
        same = [p.name for p in folder.iterdir() if p.stem.lower() == stem and p.suffix.lower() in SUFFIXES]
        why = "扩展名和文件不一致"
    if len(same) != 1:
        return ""
    return f"；文件夹里有 {same[0]}，{why}，是不是要写“{PurePosixPath(rel).parent / same[0]}”？"


@contextmanager
def _strict_decoding():
    """Truncated files raise. WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES = True when it
    is imported (before validation in a long-lived process, or in tests): not for our checks."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


# What earlier builds found when they decoded a photo, keyed by the file's identity: path, inode,
# size, mtime and ctime (a ctime cannot be set back, so rewritten bytes always count as a new
# file); and by this module's code, so a kit that checks something new decodes every photo again.
_remembered: dict[str, str | None] | None = None
_remembered_names: dict[str, str] | None = None  # published_name by the same identity
_used: set[str] = set()


def _file_key(path: str, info: os.stat_result) -> str:
    """What the memories of remembered_inspections know a file by (see above)."""
    return f"{path}\0{info.st_ino}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}"


def _inspect_remembered(path: str, info: os.stat_result) -> str | None:
    if _remembered is None:
        return inspect_image(path, info.st_size, info.st_mtime_ns)
    key = _file_key(path, info)
    _used.add(key)
    if key not in _remembered:
        _remembered[key] = inspect_image(path, info.st_size, info.st_mtime_ns)
    return _remembered[key]


@contextmanager
def remembered_inspections(cache_dir: Path):
    """Within this block, photo checks and published names reuse what earlier builds found for
    unchanged files (decoding 1,400 photos costs seconds; a build reads them all again after
    every edit)."""
    global _remembered, _remembered_names, _real_folders
    store = Path(cache_dir) / "inspected.json"
    stamp = f"{code_digest(sys.modules[__name__])}/{Image.__version__}/{_rendition_code()}"
    try:
        saved = json.loads(store.read_text(encoding="utf-8"))
        fresh = saved.get("version") != stamp
        _remembered = {} if fresh else saved["found"]
        _remembered_names = {} if fresh else saved["names"]
    except (OSError, ValueError, KeyError, TypeError):
        _remembered, _remembered_names = {}, {}
    _used.clear()
    _real_folders = {}
    try:
        yield
    finally:  # kept even when the content has problems: the next run, after the fix, reuses it
        kept = {k: v for k, v in _remembered.items() if k in _used}
        names = {k: v for k, v in _remembered_names.items() if k in _used}
        _remembered = _remembered_names = _real_folders = None
        try:
            fstree.replace_file(
                store, json.dumps({"version": stamp, "found": kept, "names": names}, ensure_ascii=False).encode("utf-8")
            )
        except OSError:
            pass  # a read-only cache folder costs time, never correctness


@lru_cache(maxsize=4096)
def inspect_image(path: str, _size: int, _mtime: int) -> str | None:
    """Decode the image once (JPEG at 1/8 scale) to catch truncated and fake files early."""
    try:
        with _strict_decoding(), Image.open(path) as im:
            if im.format not in FORMATS:
                return f"文件不是 JPEG/PNG/WebP/HEIC 图片（实际是 {im.format}）"
            width, height = im.size
            if width * height > MAX_PIXELS:
                return f"图片太大（{width}×{height} 像素，超过 2 亿像素），可能是异常文件，请换一张"
            if im.format not in DRAFT_FORMATS and width * height > MAX_FULL_DECODE_PIXELS:
                return f"{FORMATS[im.format]} 图片太大（{width}×{height} 像素，超过 5000 万像素），请另存为 JPEG 或缩小后再用"
            costly = _costly_progressive(im)
            if costly:
                return costly
            if im.format in DRAFT_FORMATS:
                im.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            im.load()
    except UnidentifiedImageError:
        return "这个文件不是图片（可能是扩展名写错了，或文件已损坏）"
    except (OSError, SyntaxError, ValueError, EOFError):
        return "图片文件损坏或不完整，无法读取，请重新导出"
    return None


def _costly_progressive(im: Image.Image) -> str | None:
    """A Chinese refusal when `im` is a progressive JPEG whose coefficients alone pass MAX_PROGRESSIVE_BYTES."""
    if im.format not in DRAFT_FORMATS or not im.info.get("progressive"):
        return None
    width, height = im.size
    layers = getattr(im, "layer", None) or [(1, 1, 1, 0)] * 3
    hmax, vmax = max(h for _, h, _, _ in layers), max(v for _, _, v, _ in layers)
    blocks = sum(-(-width * h // (8 * hmax)) * -(-height * v // (8 * vmax)) for _, h, v, _ in layers)
    if blocks * 64 * 2 <= MAX_PROGRESSIVE_BYTES:
        return None
    return (
        f"渐进式 JPEG 图片太大（{width}×{height} 像素），读取时要占用太多内存："
        f"请用看图软件另存为普通 JPEG（不勾选“渐进式”），或缩小到 {MAX_PROGRESSIVE_BYTES // 3_000_000} 万像素以内再用"
    )


def _reduced(im: Image.Image) -> Image.Image:
    """A fully decoded image (PNG, WebP, HEIC) shrunk by a whole factor, so that both sides stay at
    least the largest rendition's width (a photo may turn a quarter): what follows copies it several
    times (orientation, colour profile, flattening), at this size, not the original's. Reduced in
    strips: Pillow's reduce() of an image with alpha first converts all of it (a second full copy)."""
    factor = min(im.size) // max(WIDTHS)
    if factor < 2:
        return im
    if im.mode not in ("L", "LA", "RGB", "RGBA", "I", "F"):
        im = im.convert("RGBA" if (im.mode in ("P", "PA") and "transparency" in im.info) or "A" in im.mode else "RGB")
    out = Image.new(im.mode, (-(-im.width // factor), -(-im.height // factor)))
    step = factor * 64
    for top in range(0, im.height, step):
        out.paste(im.crop((0, top, im.width, min(top + step, im.height))).reduce(factor), (0, top // factor))
    return out


@dataclass(frozen=True)
class Rendition:
    url: str  # relative to the site root, e.g. media/3f2a…-960.jpg
    width: int
    height: int


def publish_photo(source: Path, cache_dir: Path, digest: str | None = None) -> list[Rendition]:
    """Resize one original into the phone widths; reuse cached files when the original is unchanged.

    `digest`: its published_name(), when the caller already hashed the file."""
    digest = digest or published_name(source)
    cache_dir.mkdir(parents=True, exist_ok=True)
    marker = cache_dir / f"{digest}.sizes"
    cached = cached_renditions(digest, cache_dir)
    if cached is not None:
        return cached
    with _strict_decoding(), Image.open(source) as opened:
        im: Image.Image = opened
        width, height = im.size
        if width * height > (MAX_PIXELS if im.format in DRAFT_FORMATS else MAX_FULL_DECODE_PIXELS) or _costly_progressive(im):
            raise ValueError("too many pixels")  # validation refuses these first; never decode one here
        if im.format in DRAFT_FORMATS:
            im.draft("RGB", (max(WIDTHS), max(WIDTHS) * height // max(width, 1)))
        else:
            im.load()
            original, im = im, _reduced(im)
            if im is not original:
                im.info = dict(original.info)
                original.close()  # its pixels are freed here, not when the with block ends
        im = ImageOps.exif_transpose(im)
        im = _to_srgb(im)
        im = _flatten(im)
        im.info.clear()  # EXIF, XMP, comments, ICC: nothing of the original's metadata is written
        renditions: list[Rendition] = []
        for target in WIDTHS:
            if renditions and im.width <= renditions[-1].width:
                break
            copy = im.copy()
            if copy.width > target:
                copy = copy.resize((target, max(1, round(copy.height * target / copy.width))), Image.Resampling.LANCZOS)
            copy.info.clear()
            out = cache_dir / f"{digest}-{copy.width}.jpg"
            tmp = out.with_suffix(".tmp")
            copy.save(tmp, "JPEG", quality=QUALITY, optimize=True, progressive=True, exif=b"", comment=b"")
            tmp.replace(out)
            renditions.append(Rendition(f"{FOLDER}/{digest}-{copy.width}.jpg", copy.width, copy.height))
    marker.write_text(" ".join(f"{r.width}x{r.height}" for r in renditions))
    return renditions


def cached_renditions(digest: str, cache_dir: Path) -> list[Rendition] | None:
    """The renditions of a photo already in the cache, or None when any is missing."""
    marker = cache_dir / f"{digest}.sizes"
    if not marker.exists():
        return None
    renditions = []
    for line in marker.read_text().split():
        w, h = (int(x) for x in line.split("x"))
        if not (cache_dir / f"{digest}-{w}.jpg").exists():
            return None
        renditions.append(Rendition(f"{FOLDER}/{digest}-{w}.jpg", w, h))
    return renditions


def published_name(source: Path) -> str:
    """The name (without size and suffix) a photo is published under: a hash of its bytes, never its file name.

    Within remembered_inspections, the name found by an earlier build for the same file (its
    identity, as for the inspections) is reused: 1,400 photos are 90 MB to read and hash at
    1,000 cases, a tenth of a second of every build."""
    key = None
    if _remembered_names is not None:
        info = os.stat(source)
        key = _file_key(os.fspath(source), info)
        _used.add(key)
        found = _remembered_names.get(key)
        if found is not None:
            return found
    h = hashlib.sha256(Path(source).read_bytes())
    h.update(f"\0rendition-{_rendition_code()}".encode())
    name = h.hexdigest()[:16]
    if key is not None and _remembered_names is not None:
        _remembered_names[key] = name
    return name


@cache
def _rendition_code() -> str:
    """Part of every published photo's name: the code that encodes a rendition and its settings, so
    renditions cached by a kit that encoded them otherwise are never published again."""
    return code_digest(publish_photo, _to_srgb, _flatten, WIDTHS, QUALITY)


def _to_srgb(im: Image.Image) -> Image.Image:
    """Convert from the photo's embedded colour profile (e.g. Display P3 from an iPhone) to sRGB.

    The profile is then dropped with the rest of the metadata; browsers assume sRGB."""
    icc = im.info.get("icc_profile")
    if not icc or im.mode not in ("RGB", "RGBA"):
        return im
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"), outputMode=im.mode) or im
    except Exception:  # a broken or unusual profile: keep the pixels as they are
        return im


def _flatten(im: Image.Image) -> Image.Image:
    if im.mode in ("RGBA", "LA", "P"):
        im = im.convert("RGBA")
        background = Image.new("RGB", im.size, "white")
        background.paste(im, mask=im.getchannel("A"))
        return background
    return im.convert("RGB")


def copy_renditions(renditions: list[Rendition], cache_dir: Path, files) -> None:
    """Each published rendition is a file of the site (`files`: site_files.SiteFiles)."""
    for r in renditions:
        files.link(r.url, cache_dir / Path(r.url).name)


class PhotoPublisher:
    """Publishes the photos the public view asks for (model.build_campaign calls it for each).

    Only photos of published items are ever resized and copied: the model asks for nothing
    else. A photo that cannot be processed is a content problem with its file and line."""

    def __init__(self, content_root: Path, cache_dir: Path, problems):
        self.content_root = Path(content_root)
        self.cache_dir = cache_dir
        self.problems = problems
        self.published: list[Rendition] = []
        self.photos = 0  # asked for (the progress line)
        self.from_cache = 0  # of which the cache had every rendition

    def __call__(self, doc, path: list, photo: dict) -> tuple[Rendition, ...]:
        source = self.content_root / "media" / photo["file"]
        self.photos += 1
        from campaignkit.common import timing

        try:
            digest = published_name(source)  # read and hashed once per photo and build
            cached = cached_renditions(digest, self.cache_dir)
            if cached is not None:
                self.from_cache += 1
                renditions = cached
            else:
                with timing.stage("photos"):
                    renditions = publish_photo(source, self.cache_dir, digest)
        except (OSError, SyntaxError, ValueError, EOFError):
            self.problems.add(
                doc.relpath,
                doc.line(*path, "file"),
                field_name(path + ["file"]),
                f"图片 content/media/{photo['file']} 无法处理（文件损坏或不完整）",
            )
            return ()
        self.published += renditions
        return tuple(renditions)
