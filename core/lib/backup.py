"""Whole-site backup and restore (`manage.py backup` / `manage.py restore`), built only on
Django's machinery: dumpdata/loaddata for the database, the storage API for the media.

The archive (a .tar, gzip-compressed when its name ends in .gz or .tgz) holds:

    manifest.json     format, time, Django version, database vendor, the applied
                      migrations, the row count of every dumped model, every media file
                      (name, size, sha256), and whether database.dump is there
    data.json         `dumpdata` of every app (natural foreign keys, primary keys kept;
                      contenttypes, permissions and sessions left out: `migrate` rebuilds
                      the first two, sessions are not worth keeping), portable between
                      SQLite and PostgreSQL
    database.dump     PostgreSQL only, when pg_dump is on PATH: `pg_dump -Fc`, the
                      alternative restore path (pg_restore)
    media/<name>      every file of the default storage (local disk or S3)
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess  # noqa: S404 - pg_dump, found on PATH, with fixed arguments
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "seminar-backup/1"
MANIFEST = "manifest.json"
DATA = "data.json"
PG_DUMP = "database.dump"
MEDIA = "media/"
# Rebuilt by `migrate` (contenttypes, permissions) or not worth keeping (sessions; the
# stored pages' counters, which every write, restore's own included, moves).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "weeks.PageGeneration"]


def counted_models() -> list[type[Any]]:
    """Every concrete model whose rows the backup carries (auto-created m2m tables are
    carried inside their models' rows, so they are not counted on their own)."""
    skipped = {"contenttypes", "sessions"}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in skipped
        and model._meta.label not in ("auth.Permission", "weeks.PageGeneration")
        and not model._meta.proxy
        and model._meta.managed
    ]


def model_counts(using: str = "default") -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.using(using).count() for model in counted_models()
    }


def project_models() -> list[type[Any]]:
    """The models of this project's own apps (those under BASE_DIR, outside .venv)."""
    base = Path(settings.BASE_DIR).resolve()
    own: list[type[Any]] = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts:
            own.extend(m for m in config.get_models() if not m._meta.proxy and m._meta.managed)
    return own


def walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name of `storage`, recursively (listdir works on disk and on S3)."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a local MEDIA_ROOT that was never created
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from walk(storage, f"{folder}/{directory}" if folder else directory)


def sha256(handle: Any) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def dump_data(path: Path) -> dict[str, int]:
    """dumpdata into `path`, in one snapshot on PostgreSQL; the counts of what it wrote."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            output=str(path),
            verbosity=0,
        )
    with path.open(encoding="utf-8") as handle:
        counts = Counter(row["model"] for row in json.load(handle))
    labels = {m._meta.label_lower: m._meta.label for m in counted_models()}
    return {label: counts.get(lower, 0) for lower, label in sorted(labels.items())}


def pg_dump(path: Path) -> dict[str, Any]:
    """`pg_dump -Fc` of the default database into `path`, when it can be done."""
    if connection.vendor != "postgresql":
        return {"included": False, "reason": f"the database is {connection.vendor}"}
    program = shutil.which("pg_dump")
    if not program:
        return {"included": False, "reason": "pg_dump is not on PATH"}
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    command = [program, "-Fc", "--no-owner", "-f", str(path), "-d", str(db["NAME"])]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        return {"included": False, "reason": f"pg_dump failed: {result.stderr.strip()[:500]}"}
    return {"included": True, "file": PG_DUMP, "format": "pg_dump -Fc"}


def write_backup(out: Path, storage: Storage = default_storage) -> dict[str, Any]:
    """Write the archive to `out`; its manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / DATA
        counts = dump_data(data)
        dump = Path(tmp) / PG_DUMP
        pg = pg_dump(dump)
        files = []
        partial = out.with_name(out.name + ".partial")
        gzip = out.name.endswith((".gz", ".tgz"))
        with tarfile.open(partial, "w:gz") if gzip else tarfile.open(partial, "w") as archive:
            archive.add(data, arcname=DATA)
            if pg["included"]:
                archive.add(dump, arcname=PG_DUMP)
            for name in walk(storage):
                with storage.open(name, "rb") as handle:
                    digest = sha256(handle)
                    size = handle.tell()
                    handle.seek(0)
                    info = tarfile.TarInfo(MEDIA + name)
                    info.size = size
                    info.mtime = int(timezone.now().timestamp())
                    archive.addfile(info, handle)
                files.append({"name": name, "size": size, "sha256": digest})
            manifest = {
                "format": FORMAT,
                "created": timezone.now().isoformat(),
                "django": django.get_version(),
                "database": connection.vendor,
                "migrations": applied_migrations(),
                "counts": counts,
                "data": {"file": DATA, "format": "dumpdata json, natural foreign keys"},
                "pg_dump": pg,
                "media": files,
            }
            raw = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(raw)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(raw))
        partial.chmod(0o600)  # password hashes and every member's writing: owner only
        partial.replace(out)
    return manifest


class RestoreError(Exception):
    pass


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        raise RestoreError(f"not a backup archive: no {MANIFEST}") from None
    if member is None:
        raise RestoreError(f"not a backup archive: {MANIFEST} is not a file")
    manifest: dict[str, Any] = json.load(member)
    if manifest.get("format") != FORMAT:
        raise RestoreError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def rows_present() -> dict[str, int]:
    """Our apps' tables that hold rows: a restore goes only into an empty database."""
    counts = {
        m._meta.label: m._default_manager.count()
        for m in project_models()
        if m._meta.label != "weeks.PageGeneration"  # moved by restore's own `migrate`
    }
    users = apps.get_model(settings.AUTH_USER_MODEL)
    counts[users._meta.label] = users._default_manager.count()
    return {label: count for label, count in counts.items() if count}


def missing_migrations(manifest: dict[str, Any]) -> list[str]:
    """Migrations the backup's database had that this code does not know."""
    here = {tuple(pair) for pair in applied_migrations()}
    return [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in here]


def load_data(archive: tarfile.TarFile) -> None:
    member = archive.extractfile(DATA)
    if member is None:
        raise RestoreError(f"{DATA} is missing from the archive")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / DATA
        with path.open("wb") as handle:
            shutil.copyfileobj(member, handle)
        with transaction.atomic():
            call_command("loaddata", str(path), verbosity=0)


def restore_media(
    archive: tarfile.TarFile, manifest: dict[str, Any], storage: Storage = default_storage
) -> int:
    """Write every media file back through the storage API, checking its sha256."""
    written = 0
    for entry in manifest["media"]:
        name, expected = entry["name"], entry["sha256"]
        member = archive.extractfile(MEDIA + name)
        if member is None:
            raise RestoreError(f"media file {name} is missing from the archive")
        if sha256(member) != expected:
            raise RestoreError(f"media file {name} does not match its checksum")
        member.seek(0)
        if storage.exists(name):
            with storage.open(name, "rb") as handle:
                if sha256(handle) == expected:
                    continue
            storage.delete(name)
        saved = storage.save(name, File(member, name=name))
        if saved != name:
            raise RestoreError(f"media file {name} was stored as {saved}")
        written += 1
    return written
