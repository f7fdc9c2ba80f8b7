"""Score and debt over the last N commits, checked out into a temporary worktree.

One ``git worktree`` in a temporary folder is moved from commit to commit
(oldest first) and the whole project is checked there with the same runner
and content cache as ``run``: a file unchanged since an earlier commit is a
cache hit, so only what changed is checked again.  The worktree is removed
afterwards, whatever happens; one left by a killed run (its folder names the
PID of a process that is gone) is removed by the next run.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from quality_gates import config as config_mod
from quality_gates.atomic import process_alive
from quality_gates.errors import GateError
from quality_gates.files import git
from quality_gates.session import Session


@dataclasses.dataclass
class Point:
    """The score of one commit, or why it has none."""

    commit: str
    date: str
    subject: str
    score: float | None = None
    rating: str | None = None
    debt_minutes: int | None = None
    findings: int | None = None
    lines_of_code: int | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the point as a plain dict (for reports)."""
        return dataclasses.asdict(self)


def commits(root: Path, count: int) -> list[Point]:
    """Return the last ``count`` first-parent commits of HEAD, oldest first."""
    out = git(
        root, "log", "--first-parent", f"-n{count}", "--format=%H%x00%cI%x00%s", "HEAD"
    )
    points = []
    for row in out.splitlines():
        sha, date, subject = (row.split("\0") + ["", ""])[:3]
        points.append(Point(commit=sha, date=date, subject=subject))
    return points[::-1]


# the temporary folder's name carries the PID of the process that owns it
PREFIX = "quality-gates-history-"
_OWNED = re.compile(re.escape(PREFIX) + r"(\d+)-")


@contextmanager
def worktree(root: Path) -> Iterator[Path]:
    """Yield a detached worktree of the repository of ``root``; remove it afterwards."""
    top = Path(git(root, "rev-parse", "--show-toplevel").strip())
    prune_stale(top)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    tree = folder / "tree"
    git(top, "worktree", "add", "--detach", "--quiet", str(tree), "HEAD")
    try:
        yield tree
    finally:
        try:
            git(top, "worktree", "remove", "--force", str(tree))
        except GateError:
            git(top, "worktree", "prune")
        shutil.rmtree(folder, ignore_errors=True)


def prune_stale(top: Path) -> None:
    """Remove the worktrees of history runs whose process is gone (killed)."""
    listed = git(top, "worktree", "list", "--porcelain")
    trees = [Path(ln[9:]) for ln in listed.splitlines() if ln.startswith("worktree ")]
    for tree in trees:
        owner = _OWNED.match(tree.parent.name)
        if owner is None or process_alive(int(owner.group(1))):
            continue
        shutil.rmtree(tree.parent, ignore_errors=True)
        git(top, "worktree", "prune")


def score_commit(tree: Path, subdir: Path, point: Point, session: Session) -> Point:
    """Check out ``point.commit`` in ``tree`` and fill in its score, or its error."""
    git(tree, "checkout", "--quiet", "--detach", "--force", point.commit)
    root = tree / subdir
    try:
        if not root.is_dir():
            raise GateError(f"{subdir.as_posix()} does not exist in this commit")
        cfg = config_mod.load(root)
        report, _ = session.project_report("history", cfg)
    except GateError as exc:
        point.error = str(exc).replace(f"{root}/", "")
        return point
    if report.errors:
        point.error = report.errors[0].replace(f"{root}/", "")
        return point
    s = report.summary
    point.score, point.rating = s.score, s.rating
    point.debt_minutes, point.findings = s.debt_minutes, s.findings
    point.lines_of_code = s.lines_of_code
    return point


def project_tree(top: Path, commit: str, subdir: Path) -> str:
    """Return the git tree id of the project folder at ``commit`` ("" if absent)."""
    spec = (
        f"{commit}^{{tree}}" if subdir == Path(".") else f"{commit}:{subdir.as_posix()}"
    )
    try:
        return git(top, "rev-parse", "--verify", "--quiet", spec).strip()
    except GateError:
        return ""


def _same_as(point: Point, previous: Point) -> Point:
    fields = ("score", "rating", "debt_minutes", "findings", "lines_of_code", "error")
    for name in fields:
        setattr(point, name, getattr(previous, name))
    return point


def history(
    root: Path,
    count: int,
    session: Session,
    *,
    progress: Callable[[str], None] = lambda message: None,
) -> list[Point]:
    """Score each of the last ``count`` commits of the project at ``root``.

    A commit that did not change the project's folder has the score of the
    commit before it, without a checkout.
    """
    points = commits(root, count)
    top = Path(git(root, "rev-parse", "--show-toplevel").strip())
    subdir = root.resolve().relative_to(top.resolve())
    previous: tuple[str, Point] | None = None
    with worktree(root) as tree:
        for index, point in enumerate(points, 1):
            progress(
                f"[{index}/{len(points)}] {point.commit[:10]} {point.subject[:60]}"
            )
            folder = project_tree(top, point.commit, subdir)
            if previous and folder and previous[0] == folder:
                _same_as(point, previous[1])
            else:
                score_commit(tree, subdir, point, session)
            previous = (folder, point)
            if point.error:
                progress(f"  {point.commit[:10]}: no score: {point.error}")
    return points
