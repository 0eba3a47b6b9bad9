"""Rebuilding the whole warehouse from ``config/`` and the files listed in ``data/manifest.yaml``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from tqdm import tqdm

from pipelines import __version__
from pipelines.catalogue import CONFIG_DIR, STATUSES, load_catalogue
from pipelines.errors import ConfigError, InputFileError
from pipelines.ingest import IngestReport, ingest_into
from pipelines.readers import sha256_of
from pipelines.warehouse import Warehouse, Writer, staged

DATA_DIR = CONFIG_DIR.parent / "data"
CODE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ManifestEntry:
    file: str
    layout: str | None = None
    indicator: str | None = None
    source: str | None = None
    status: str | None = None
    sheet: str | None = None  # the XLSX sheet to read (default: as for ingest)


def load_manifest(data_dir: Path) -> list[ManifestEntry]:
    path = data_dir / "manifest.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the data manifest ({exc})") from exc
    entries = []
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or "file" not in item:
            raise ConfigError(f"{path}: entry {n} needs at least `file:`")
        try:
            entry = ManifestEntry(**item)
        except TypeError as exc:
            raise ConfigError(f"{path}: entry {n}: {exc}; expected file, layout, indicator, source, status, "
                              "sheet") from None
        if entry.layout not in (None, "long", "wide"):
            raise ConfigError(f"{path}: entry {n}: layout {entry.layout!r}; expected long or wide")
        if entry.status not in (None, *STATUSES):
            raise ConfigError(f"{path}: entry {n}: status {entry.status!r}; expected one of {STATUSES}")
        if not (data_dir / entry.file).is_file():
            raise ConfigError(f"{path}: entry {n}: {entry.file} does not exist under {data_dir}")
        entries.append(entry)
    return entries


def _code_files() -> Iterator[Path]:
    yield from sorted(p for p in CODE_DIR.rglob("*") if p.suffix in (".py", ".sql"))


def input_checksums(config_dir: Path, data_dir: Path) -> dict[str, str]:
    """Checksums of everything a build reads, so an unchanged warehouse need not be rebuilt."""
    sums = {f"config/{p.name}": sha256_of(p) for p in sorted(config_dir.glob("*.yaml"))}
    sums["data/manifest.yaml"] = sha256_of(data_dir / "manifest.yaml")
    for entry in load_manifest(data_dir):
        sums[f"data/{entry.file}"] = sha256_of(data_dir / entry.file)
    code = hashlib.sha256()
    for p in _code_files():
        code.update(p.relative_to(CODE_DIR).as_posix().encode() + b"\0" + p.read_bytes())
    sums["code"] = code.hexdigest()
    return sums


def is_up_to_date(db: Path, config_dir: Path = CONFIG_DIR, data_dir: Path = DATA_DIR) -> bool:
    if not db.exists():
        return False
    wh = Warehouse(db)
    try:
        stored = wh.input_checksums()
    except Exception:  # an older or foreign file: rebuild rather than guess
        return False
    finally:
        wh.close()
    return stored == input_checksums(config_dir, data_dir)


def build(db: Path, config_dir: Path = CONFIG_DIR, data_dir: Path = DATA_DIR, *,
          progress: bool = True) -> list[IngestReport]:
    """Build a fresh warehouse beside ``db`` and publish it atomically; any error leaves ``db`` untouched."""
    catalogue = load_catalogue(config_dir)
    entries = load_manifest(data_dir)
    checksums = input_checksums(config_dir, data_dir)
    with staged(db, fresh=True) as con:
        writer = Writer(con)
        writer.load_catalogue(catalogue)
        reports = [
            ingest_into(writer, data_dir / entry.file, indicator=entry.indicator, source=entry.source,
                        status=entry.status or "reported", layout=entry.layout, sheet=entry.sheet, command="build")
            for entry in tqdm(entries, desc="build", unit="file", disable=not progress)
        ]
        writer.write_build_info(f"{__version__}+{checksums['code'][:12]}", checksums)
        failures = writer.failed_checks()
        if failures:
            raise InputFileError(f"{db}: the new warehouse failed its checks: {'; '.join(failures)}")
    return reports
