"""An index directory on disk: a manifest naming one generation of files, replaced atomically.

Layout::

    DIR/manifest.json          model, dimension, index type, counts, checksums, generation
    DIR/.lock                  held by the one process writing (``lock.py``)
    DIR/gen-000002/dense.faiss     FAISS vectors (row i = chunk i)
    DIR/gen-000002/dense.ivfdata   an IVF index's inverted lists, beside it (only for IVF, ``ondisk.py``)
    DIR/gen-000002/dense.rows      each row's place in dense.ivfdata (only for IVF)
    DIR/gen-000002/metadata.sqlite trials and chunks
    DIR/gen-000002/bm25/           bm25s arrays (numpy, no pickle) and vocabulary (JSON)

A write builds a whole new generation beside the old one, then replaces ``manifest.json``
(temp file, then ``os.replace``). Until that rename the old manifest still names the old,
untouched generation, so a crash at any point leaves the previous index usable. Generations no
manifest names are deleted by the next successful write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from trialsieve.index.dense import IndexType

SCHEMA_VERSION = "1"
MANIFEST = "manifest.json"
DENSE = "dense.faiss"
METADATA = "metadata.sqlite"
LEXICAL = "bm25"


class StoreError(RuntimeError):
    """An index directory that cannot be used as asked; the message says why and what to do."""


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    model: str
    model_path: str | None = None  # None: the bundled all-MiniLM-L6-v2
    dimension: int
    index_type: IndexType
    trials: int
    chunks: int
    generation: str
    files: dict[str, str]  # path inside the generation -> sha256
    updated: dt.datetime


def read_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST
    if not path.is_file():
        if not directory.exists():
            what = "no such directory"
        elif not directory.is_dir():
            what = "a file, not a folder"
        else:
            what = f"no {MANIFEST} in it"
        raise StoreError(f"{directory} is not a trialsieve index ({what}); build one with `trialsieve index build`")
    try:
        manifest = Manifest.model_validate_json(path.read_text("utf-8"))
    except ValidationError as error:  # pydantic's own text runs over several lines; the first problem is enough
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        detail = f"{where}: {first['msg']}" if where else first["msg"]
        raise StoreError(f"{path} is corrupt ({detail}); rebuild the index") from error
    except (ValueError, OSError) as error:
        raise StoreError(f"{path} is unreadable or corrupt: {error}") from error
    if manifest.schema_version != SCHEMA_VERSION:
        raise StoreError(
            f"{directory} has index schema {manifest.schema_version}; "
            f"this trialsieve reads {SCHEMA_VERSION}: rebuild it"
        )
    if not _is_generation(manifest.generation) or manifest.generation.endswith(".partial"):
        raise StoreError(f"{path} is corrupt: {manifest.generation!r} is not a generation folder; rebuild the index")
    return manifest


def generation_dir(directory: Path, manifest: Manifest) -> Path:
    return directory / manifest.generation


def verify(directory: Path, manifest: Manifest) -> None:
    """The manifest names every part of an index, and each file it names exists and matches its checksum.

    A manifest that names no files would pass every checksum, so the parts are required by name.
    """
    named = set(manifest.files)
    if not {DENSE, METADATA} <= named or not any(name.startswith(f"{LEXICAL}/") for name in named):
        raise StoreError(f"{directory / MANIFEST} does not list the index's files (corrupt); rebuild the index")
    base = generation_dir(directory, manifest)
    for name, expected in manifest.files.items():
        path = base / name
        if not path.is_file():
            raise StoreError(f"{directory}: {manifest.generation}/{name} is missing; rebuild the index")
        if checksum(path) != expected:
            raise StoreError(
                f"{directory}: {manifest.generation}/{name} fails its checksum (corrupt); rebuild the index"
            )


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def checksums(base: Path) -> dict[str, str]:
    return {str(p.relative_to(base)): checksum(p) for p in sorted(base.rglob("*")) if p.is_file()}


def new_generation(directory: Path) -> tuple[str, Path]:
    """A fresh, empty working folder for the next generation, and the generation's name."""
    directory.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name.split("-")[1].split(".")[0]) for p in directory.glob("gen-*") if _is_generation(p.name)]
    name = f"gen-{max(numbers, default=0) + 1:06d}"
    work = directory / f"{name}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    return name, work


def commit(directory: Path, work: Path, manifest: Manifest) -> None:
    """Publish the generation built in ``work``: rename it, swap the manifest, drop old generations."""
    final = directory / manifest.generation
    work.rename(final)
    _fsync_tree(final)
    temp = directory / f"{MANIFEST}.tmp"
    temp.write_text(manifest.model_dump_json(indent=2) + "\n", "utf-8")
    with temp.open("rb") as stream:
        os.fsync(stream.fileno())
    os.replace(temp, directory / MANIFEST)
    for path in directory.iterdir():
        if path.is_dir() and _is_generation(path.name) and path.name != manifest.generation:
            shutil.rmtree(path, ignore_errors=True)


def _is_generation(name: str) -> bool:
    stem = name.removesuffix(".partial")
    return stem.startswith("gen-") and stem[4:].isascii() and stem[4:].isdigit()


def _fsync_tree(base: Path) -> None:
    for path in base.rglob("*"):
        if path.is_file():
            with path.open("rb") as stream:
                os.fsync(stream.fileno())
