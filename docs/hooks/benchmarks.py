"""mkdocs hook: the benchmarks page shows the root's BENCHMARKS.md and its chart.

``bench/run.py`` writes ``BENCHMARKS.md`` at the repository root and the chart
at ``bench/results.png``; the site shows both where ``docs/benchmarks.md`` asks
for them, so no number is ever copied by hand.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

REPO = Path(__file__).resolve().parents[2]
MARKER = "<!-- BENCHMARKS.md -->"
CHART = "img/benchmarks.png"


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Serve ``bench/results.png`` as ``img/benchmarks.png``."""
    chart = REPO / "bench" / "results.png"
    if not chart.is_file():
        raise PluginError(f"{chart}: missing; run `python bench/run.py` to write it")
    files.append(File.generated(config, CHART, abs_src_path=str(chart)))
    return files


def on_page_markdown(
    markdown: str, *, page: Page, config: MkDocsConfig, files: Files
) -> str:
    """Replace the marker with BENCHMARKS.md, headings one level down."""
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, included(REPO / "BENCHMARKS.md"))


def included(path: Path) -> str:
    """Return the file without its title, every other heading one level down."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PluginError(f"{path}: cannot include it: {exc}")
    if not lines or not lines[0].startswith("# "):
        raise PluginError(f"{path}: expected a '# ' title on its first line")
    out, fence = [], False
    for line in lines[1:]:
        if line.startswith("```"):
            fence = not fence
        out.append("#" + line if not fence and line.startswith("#") else line)
    return "\n".join(out).strip() + "\n"
