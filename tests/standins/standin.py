"""Local stand-ins for GitHub's own actions, for the act tests.

GitHub's artifact store, cache service, code scanning and Pages cannot exist
on this machine;
each stand-in does the part a test can observe (files copied to a folder that
plays the artifact store, a Pages site unpacked where a local server serves
it) and records what it received as one JSON line in ``$QG_STANDIN_LOG``.
"""

from __future__ import annotations

import fcntl
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path


def inputs() -> dict[str, str]:
    return {
        k[len("INPUT_") :].lower().replace("_", "-"): v
        for k, v in os.environ.items()
        if k.startswith("INPUT_")
    }


def record(action: str, **data: object) -> None:
    entry = {"action": action, "job": os.environ.get("GITHUB_JOB", ""), **data}
    with open(os.environ["QG_STANDIN_LOG"], "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")


def output(**values: str) -> None:
    with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as handle:
        for key, value in values.items():
            handle.write(f"{key}={value}\n")


def store() -> Path:
    return Path(os.environ["QG_STANDIN_ARTIFACTS"])


def hidden(path: Path, base: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(base).parts)


def make_venv(venv: Path) -> None:
    """Make a fresh virtual environment with pip, as setup-python's Python has.

    ``python -m venv`` runs ensurepip, seconds a job; with
    ``$QG_STANDIN_TEMPLATES`` (one folder per test session) one is made there
    and each job gets a copy, its scripts (``#!`` lines, activate) pointed at it.
    """
    templates = os.environ.get("QG_STANDIN_TEMPLATES")
    if not templates:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        return
    template = Path(templates) / f"venv-{sys.version_info[0]}.{sys.version_info[1]}"
    template.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{template}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "done").exists():
            shutil.rmtree(template, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(template)], check=True)
            (template / "done").write_text("ok")
    shutil.copytree(
        template, venv, symlinks=True, ignore=shutil.ignore_patterns("done")
    )
    for path in [venv / "pyvenv.cfg", *(venv / "bin").iterdir()]:
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            path.write_bytes(data.replace(str(template).encode(), str(venv).encode()))


def setup_python(args: dict[str, str]) -> int:
    python = Path(sys.executable)
    if (args.get("update-environment") or "true") == "true":
        venv = (
            Path(os.environ["RUNNER_TEMP"])
            / f"standin-python-{args.get('python-version', '')}"
        )
        if not (venv / "bin" / "python").exists():
            make_venv(venv)
        python = venv / "bin" / "python"
        with open(os.environ["GITHUB_PATH"], "a", encoding="utf-8") as handle:
            handle.write(f"{venv / 'bin'}\n")
    record("setup-python", inputs=args)
    output(
        **{"python-path": str(python), "python-version": args.get("python-version", "")}
    )
    return 0


def upload_artifact(args: dict[str, str]) -> int:
    name = args["name"]
    target = store() / name
    keep_hidden = (args.get("include-hidden-files") or "false") == "true"
    copied = []
    for line in filter(None, (x.strip() for x in args.get("path", "").splitlines())):
        source = Path(line)
        if source.is_dir():
            for item in sorted(source.rglob("*")):
                if item.is_file() and (keep_hidden or not hidden(item, source)):
                    dest = target / item.relative_to(source)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(item, dest)
                    copied.append(str(item.relative_to(source)))
        elif source.is_file() and (keep_hidden or not source.name.startswith(".")):
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / source.name)
            copied.append(source.name)
    record("upload-artifact", inputs=args, files=copied)
    if not copied and (args.get("if-no-files-found") or "warn") == "error":
        print(
            f"::error::No files were found with the provided path: {args.get('path')}"
        )
        return 1
    return 0


def download_artifact(args: dict[str, str]) -> int:
    pattern = args.get("pattern") or args.get("name") or "*"
    dest = Path(args.get("path") or os.environ["GITHUB_WORKSPACE"])
    merge = args.get("merge-multiple", "false") == "true"
    names = (
        sorted(p.name for p in store().iterdir() if fnmatch.fnmatch(p.name, pattern))
        if store().is_dir()
        else []
    )
    for name in names:
        into = dest if merge or args.get("name") else dest / name
        shutil.copytree(store() / name, into, dirs_exist_ok=True)
    record("download-artifact", inputs=args, artifacts=names)
    if args.get("name") and not names:
        print(f"::error::Artifact not found: {args['name']}")
        return 1
    return 0


def pages_store(name: str) -> Path:
    """Per job: the tests run several deploy jobs in one workflow, in parallel.

    (GitHub would refuse two `github-pages` artifacts in one run; sharing one
    store here made a job deploy another job's site now and then.)
    """
    return store() / "pages" / os.environ.get("GITHUB_JOB", "") / name


def upload_pages_artifact(args: dict[str, str]) -> int:
    site = Path(args.get("path") or "_site")
    target = pages_store(args.get("name") or "github-pages")
    target.mkdir(parents=True, exist_ok=True)
    members = []
    with tarfile.open(target / "artifact.tar", "w") as tar:
        for item in sorted(site.rglob("*")):
            rel = item.relative_to(site)
            if rel.parts[0] in (".git", ".github"):
                continue
            tar.add(item, arcname=str(rel), recursive=False)
            if item.is_file():
                members.append(str(rel))
    record("upload-pages-artifact", inputs=args, files=members)
    return 0


def deploy_pages(args: dict[str, str]) -> int:
    tar_path = pages_store(args.get("artifact-name") or "github-pages") / "artifact.tar"
    job = os.environ.get("GITHUB_JOB", "")
    root = os.environ.get("QG_STANDIN_PAGES_ROOT")
    if root:
        with tarfile.open(tar_path) as tar:
            tar.extractall(Path(root) / job, filter="data")
    url = os.environ.get("QG_STANDIN_PAGE_URL", "") + f"{job}/"
    record("deploy-pages", inputs=args, page_url=url)
    output(page_url=url)
    return 0


def upload_sarif(args: dict[str, str]) -> int:
    path = Path(args.get("sarif-file") or args.get("sarif_file") or "")
    data = json.loads(path.read_text(encoding="utf-8"))
    results = sum(len(run.get("results", [])) for run in data.get("runs", []))
    record("upload-sarif", inputs=args, results=results, version=data.get("version"))
    return 0


def cache_store() -> Path:
    """Return the cache service: one folder per key, shared by the runs of a test.

    A mock of GitHub's cache service: entries are matched by exact key, then by
    the restore keys as prefixes (newest first), like actions/cache; the
    service's branch scoping is not modelled.
    """
    return Path(os.environ.get("QG_STANDIN_CACHE") or store() / "cache-service")


def cache_paths(args: dict[str, str]) -> list[Path]:
    return [Path(p.strip()) for p in args.get("path", "").splitlines() if p.strip()]


def find_entry(key: str, restore_keys: list[str]) -> tuple[Path | None, bool]:
    """Return the stored entry for ``key`` (exact: hit) or the newest prefix match."""
    exact = cache_store() / key
    if (exact / "done").exists():
        return exact, True
    entries = [p for p in cache_store().glob("*") if (p / "done").exists()]
    for prefix in restore_keys:
        found = [p for p in entries if p.name.startswith(prefix)]
        if found:
            return max(found, key=lambda p: (p / "done").stat().st_mtime_ns), False
    return None, False


def cache_restore(args: dict[str, str]) -> int:
    restore_keys = [k.strip() for k in args.get("restore-keys", "").splitlines()]
    entry, hit = find_entry(args["key"], [k for k in restore_keys if k])
    restored = []
    if entry is not None:
        for index, target in enumerate(cache_paths(args)):
            archive = entry / f"{index}.tar"
            if archive.exists():
                shutil.rmtree(target, ignore_errors=True)
                target.mkdir(parents=True, exist_ok=True)
                with tarfile.open(archive) as tar:
                    tar.extractall(target, filter="tar")
                restored.append(str(target))
    record(
        "cache-restore",
        inputs=args,
        matched=entry.name if entry else "",
        hit=hit,
        restored=restored,
    )
    output(
        **{
            "cache-hit": "true" if hit else "false",
            "cache-primary-key": args["key"],
            "cache-matched-key": entry.name if entry else "",
        }
    )
    return 0


def cache_save(args: dict[str, str]) -> int:
    entry = cache_store() / args["key"]
    if (entry / "done").exists():
        print(f"::warning::Cache already exists for key: {args['key']}")
        record("cache-save", inputs=args, saved=False)
        return 0
    entry.mkdir(parents=True, exist_ok=True)
    sizes = []
    for index, source in enumerate(cache_paths(args)):
        with tarfile.open(entry / f"{index}.tar", "w") as tar:
            if source.is_dir():
                tar.add(source, arcname=".")
        sizes.append((entry / f"{index}.tar").stat().st_size)
    (entry / "done").write_text("ok")
    record("cache-save", inputs=args, saved=True, sizes=sizes)
    return 0


ACTIONS = {
    "cache-restore": cache_restore,
    "cache-save": cache_save,
    "setup-python": setup_python,
    "upload-artifact": upload_artifact,
    "download-artifact": download_artifact,
    "upload-pages-artifact": upload_pages_artifact,
    "deploy-pages": deploy_pages,
    "upload-sarif": upload_sarif,
}

if __name__ == "__main__":
    raise SystemExit(ACTIONS[sys.argv[1]](inputs()))
