"""Read the names of steps, jobs and make targets: do they say they check.

A step named ``Run tests`` or a job named ``lint`` makes the commands it runs
checks by context; a step named for setting up (``Install dependencies``),
shipping (``Build and push the image``), building for an analyser or showing
logs makes none of them a check.  Names are read without accents, icons and
remarks in parentheses.
"""

from __future__ import annotations

import re
import unicodedata

from quality_gates.guards.integrity import catalogue as cat

CONTEXT_WORDS = re.compile(
    r"(?i)"
    + cat.TEST_WORD
    + r"|lint|check|verif|validat|audit|scan|secur|typ(e|ing)|coverage|"
    r"\bbuild|compil|\bdocs?\b|documentation|quality|style|format|smoke|sast|"
    r"analy[sz]|e2e|suite|scenario|chaos|resilien|benchmark|\bperf|\bslo\b|secret|"
    r"fuzz|doctest|sanity|conformance|regression|integration|\beval"
)


# A step named for shipping what it builds delivers; its build is no check.
DELIVERY = re.compile(r"(?i)\bpush|\bdeploy|d[ée]ploi|\bpublish|\brelease|\bupload")


BUILD_WORDS = re.compile(r"(?i)\bbuild\w*|\bcompil\w*")

# What a delivery builds: a program, or the documentation it publishes.
_SHIPPED_BUILD = re.compile(BUILD_WORDS.pattern + r"|\bdocs?\b|documentation")


# A step named for what it sets up or moves is not a check, whatever its job is.
SETUP_STEP = re.compile(
    r"(?i)^\s*(install|set ?up|setup|set\b|cache|restore|save|check ?out|upload|"
    r"download|configure|log ?in|publish|deploy|notify|prepare|clean|generate|"
    r"create|start|stop|wait|collect|print|show|display|report|summar|get|fetch|"
    r"push|tag|"
    r"update|bump|release|free|remove|delete|dump|debug|inspect|list|"
    r"decrypt|encrypt|accept\b|enable\b|seed|migrate|populate|init\b|initiali[sz]e|"
    r"drop|destroy|purge|prune|tear ?down|"
    # running the database migrations a later step tests against
    r"(run|apply|execute)\s+(the\s+)?((db|database)\s+)?migrations?\s*$|"
    # verbs of unpacking or converting what a later step uses: `Decompress fonts`
    r"(de|un)?compress|unpack|extract|unzip|untar|"
    # verbs of changing files: `Modify documentation`, `Patch version`
    r"modify|edit\b|patch|rewrite|rename|copy|move\b|replace)"
)


# ... or whose last word says so (a make target ``test-cluster-shutdown``).
ENDS_SETTING_UP = re.compile(
    r"(?i)[-_ ](set-?up|start-?up|start|shut-?down|stop|tear-?down|clean-?up|clean|"
    r"down|install|deps|prepare|init|wait)\s*$"
)


# ... or that builds for an analyser to read ("Build for CodeQL (Java)").
_FOR_ANALYSIS = re.compile(
    r"(?i)\b(build|compile|autobuild)\b[^/]*\bfor\s+(codeql|sonar\w*|code ?scanning)"
)


FORMAT = re.compile(r"(?i)format|fmt")


def checking_context(step: str, job: str, delivery_job: bool = False) -> str:
    """Return the names that make a step's commands checks ('' for setup).

    A step that builds in order to ship ("Build and push the image"), or any
    step of a job that ships (deploy, publish, release), delivers: its build
    checks nothing, unless the name also says it tests.  Documentation built
    there (``Build Documentation`` in ``Publish Documentation``) is what it
    ships, not a docs check.  Names are read without their accents:
    ``Vérification de Prometheus`` verifies.
    """
    step, job = _unaccented(step), _unaccented(job)
    if _sets_up(step) and not _names_a_check_beside(step):
        return ""
    if _FOR_ANALYSIS.search(step) or _names_logs(step):
        return ""
    if DELIVERY.search(step) and not CONTEXT_WORDS.search(_SHIPPED_BUILD.sub("", step)):
        return ""
    both = f"{_without_remarks(step)} / {job}"
    if delivery_job:
        both = _SHIPPED_BUILD.sub("", both)
    return both if CONTEXT_WORDS.search(both) else ""


# A step that says it may fail: ``Compile Extension (Optional)``.
MAY_FAIL = re.compile(
    r"(?i)\b(optional|experimental|allow(ed)?[ _-]to[ _-]fail|may[ _-]fail|"
    r"nightly|best[ _-]effort|non[ _-]?blocking)\b"
)


def builds_as_check(step: str) -> bool:
    """Tell a step whose build checks, in a job that verifies the change.

    Not one named for setting up (``Install dependencies`` that compiles
    what a later step uses), nor one that says it may fail: whether such a
    build is meant to gate is arguable.
    """
    return not (_sets_up(step) or MAY_FAIL.search(step))


def _sets_up(step: str) -> bool:
    """``Install dependencies``, ``test-cluster-shutdown``: named for setting up."""
    return bool(SETUP_STEP.match(step) or ENDS_SETTING_UP.search(step))


# How a name joins what a step does: ``Install project and test cli``,
# ``Setup, then run tests``, ``Install & lint``.
_JOINED = re.compile(r"(?i)\s*(?:[,;&+]|\band\b|\bthen\b)\s*")


def _names_a_check_beside(step: str) -> bool:
    """Tell a name that joins setup to a check: ``Install project and test cli``.

    A part of the name that is no setup of its own names a check by the
    words that make any step a check; building alone does not (``Install
    and build`` sets up the way it always did).
    """
    parts = [part for part in _JOINED.split(_without_remarks(step)) if part]
    return len(parts) > 1 and any(
        not _sets_up(part)
        and not _ASKS_FOR_CHANGES.search(part)
        and CONTEXT_WORDS.search(BUILD_WORDS.sub("", part))
        for part in parts
    )


# ``check for changes``, ``check if updated``: a question whose answer picks
# what comes next (commit or not), not a check that fails on a fault.
_ASKS_FOR_CHANGES = re.compile(
    r"(?i)\b(check|verify|test)\w*\s+(for|if|whether)\s+(any\s+|new\s+)?"
    r"(chang|updat|diff|modif|new\b|exist)"
)


def _unaccented(name: str) -> str:
    """``Vérification`` -> ``Verification``: the letters without their marks.

    Icons before the words go too: ``🗄️ Setup test database`` sets up.
    """
    if name.isascii():
        return name
    split = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in split if not unicodedata.combining(c))
    start = 0
    while start < len(plain) and unicodedata.category(plain[start])[0] in "SMCZ":
        start += 1
    return plain[start:]


def target_context(target: str) -> str:
    """Return the names that make a make target's commands checks ('' for none).

    A target named only for formatting (``format``, ``terraform-format``,
    ``fmt``) runs formatters and generators, as the goal ``make format``
    does: its name makes none of them a check; ``format-check`` still does.
    """
    if FORMAT.search(target) and not CONTEXT_WORDS.search(FORMAT.sub("", target)):
        return ""
    return checking_context(target, "")


_REMARK = re.compile(r"\s*\([^()]*\)")


# A step named for the logs it shows ("Logs", "Docker compose logs"): what it
# runs shows the services' output after the checks, whatever its job is.
_LOGS = re.compile(r"(?i)\blogs?\s*$")


_JUDGES = re.compile(
    r"(?i)\b(check|verif|validat|assert|scan|grep|search|run|execut)\w*|\band\b|[&+,;]"
)


def _names_logs(step: str) -> bool:
    """Tell a step named for logs (``Logs``), and for nothing that judges them.

    ``Check logs`` or ``Scan the logs`` reads them for errors, and ``Run tests
    and show logs`` runs something first: still a check.
    """
    name = _without_remarks(step)
    return bool(_LOGS.search(name)) and not _JUDGES.search(name)


def _without_remarks(step: str) -> str:
    """``Roll up aged state (audit Ticket 6)`` -> ``Roll up aged state``.

    A parenthesis in a step's name is a remark (a ticket, a tool, a reason);
    what the step does is said outside it, when anything is.
    """
    kept = _REMARK.sub("", step).strip()
    return kept or step
