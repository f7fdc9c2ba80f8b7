"""The checker families ``audit-gates`` knows by name, and what they need to check.

A command is a check by its own evidence: the tool it runs (a test runner, a
linter, a type checker, a security or packaging scanner, a docs builder that
fails on warnings), the subcommand or target it asks for (``pip check``,
``make lint``, ``asv continuous``), or an argument that turns a tool into a
check (``--check``, ``--exit-code``, ``--fail-under``).  The tables are data;
``gatecmd`` reads them.
"""

from __future__ import annotations

import re

_FAMILIES = {
    "tests": """pytest py.test tox nox unittest nose nose2 nosetests ward behave trial
        green stestr testr robot jest vitest mocha karma ava cypress hypothesis
        schemathesis hurl newman bats phpunit rspec ctest testcafe elm-test
        elm-test-rs""",
    "lint": """flake8 pylint ruff pyflakes pycodestyle pydocstyle pylama prospector
        dodgy codespell typos yamllint markdownlint markdownlint-cli2 shellcheck
        hadolint actionlint zizmor eslint stylelint biome rstcheck doc8 sphinx-lint
        vale proselint darglint interrogate vulture xenon refurb slotscheck
        import-linter lint-imports deptry fawltydeps vermin commitlint gitlint
        cpplint cppcheck clang-tidy rubocop golangci-lint staticcheck tflint
        elm-review ansible-lint kube-linter kubeconform conftest check-jsonschema
        docstr-coverage pydoclint oxlint xo standard cspell markdown-link-check
        lychee linkchecker htmltest htmlproofer knip depcheck publint size-limit
        cfn-lint kubeval""",
    "types": """mypy dmypy pyright pytype pyre pyrefly basedpyright ty tsc stubtest
        vue-tsc svelte-check""",
    "security": """bandit pip-audit safety osv-scanner gitleaks govulncheck
        detect-secrets detect-secrets-hook ggshield talisman tfsec checkov
        audit-ci snyk nuclei prowler kics
        zap-baseline.py zap-full-scan.py zap-api-scan.py""",
    "packaging": """check-manifest check-sdist check-wheel-contents validate-pyproject
        pyroma abi3audit twine""",
    "docs": """sphinx-build pydoctor mkdocs""",
    "format": """black isort prettier docformatter mdformat""",
    "gates": """pre-commit prek quality-gates coverage diff-cover diff-quality
        mutmut py_compile compileall""",
}
GATE_TOOLS = frozenset(
    word for words in _FAMILIES.values() for word in words.split()
) | frozenset(("django-admin", "manage.py", "audit-ci"))
FAMILY = {word: name for name, words in _FAMILIES.items() for word in words.split()}

# Scanners and listers that exit 0 whatever they find unless one of these
# options says what fails (documented defaults): ``grype`` without
# ``--fail-on``, ``trivy`` without ``--exit-code`` (1 or more), ``trufflehog``
# without ``--fail``, OWASP ``dependency-check`` without ``--failOnCVSS`` (its
# default, 11, is above every score), ``semgrep scan`` without ``--error``
# (``semgrep ci`` fails on blocking findings by itself), a license lister not
# told which licenses fail, ``bencher run`` without ``--err`` (an alert on a
# threshold only prints).  Given the value 0 (``--exit-code 0``) the option
# names the check it turns off, found as such.
# Without the option a scanner still fails when it cannot scan (a bad rule
# file, a target it cannot read): a check only where its step says so.  A
# license lister without it is an inventory, never a check.
CHECKS_ONLY_WITH: dict[str, frozenset[str]] = {
    "grype": frozenset(("--fail-on", "-f")),
    "trivy": frozenset(("--exit-code",)),
    "trufflehog": frozenset(("--fail",)),
    "dependency-check": frozenset(("--failOnCVSS",)),
    "dependency-check.sh": frozenset(("--failOnCVSS",)),
    "semgrep": frozenset(("--error",)),
    "license-checker": frozenset(("--failOn", "--onlyAllow")),
    "license-checker-rseidelsohn": frozenset(("--failOn", "--onlyAllow")),
    "pip-licenses": frozenset(("--fail-on", "--allow-only")),
    "bencher": frozenset(("--err",)),
}
# Formats that make a scanner write an inventory (an SBOM) instead of a
# findings report: without its fail option it is no check at all, whatever
# its step is named (``trivy image --format cyclonedx --output sbom.json``).
INVENTORY_OPTIONS: dict[str, frozenset[str]] = {
    "trivy": frozenset(
        f"{flag}={fmt}"
        for flag in ("--format", "-f")
        for fmt in ("cyclonedx", "spdx", "spdx-json", "github")
    ),
}
LICENSE_LISTERS = {
    name: CHECKS_ONLY_WITH[name]
    for name in ("license-checker", "license-checker-rseidelsohn", "pip-licenses")
}
# Every program named for a checker, whether or not its options make it one
# (an action or a make target named ``semgrep`` runs the checker).
CHECKER_NAMES = GATE_TOOLS | frozenset(CHECKS_ONLY_WITH)

# Options that make a checker do something else: set itself up (``tflint
# --init``, ``tsc --init``), print its configuration or what it would run
# (``jest --listTests``) or watch for changes.  An entry ``-opt=value`` means
# that option with that value, attached or next.
NOT_CHECKING_OPTIONS: dict[str, frozenset[str]] = {
    "tflint": frozenset(("--init", "--version")),
    "tsc": frozenset(("--init", "--showConfig", "--watch", "-w")),
    "vue-tsc": frozenset(("--init", "--showConfig", "--watch", "-w")),
    "jest": frozenset(("--listTests", "--showConfig", "--watch", "--watchAll")),
    "eslint": frozenset(("--init", "--print-config", "--env-info")),
}
# Options that make a checker report what it finds and exit 0 on it
# (``govulncheck -format json``): it still fails when it cannot run, a check
# only where its step says so, as a scanner without its fail option is.
REPORT_OPTIONS: dict[str, frozenset[str]] = {
    "govulncheck": frozenset(
        ("-json", "--json")
        + tuple(
            f"{flag}={fmt}"
            for flag in ("-format", "--format")
            for fmt in ("json", "sarif", "openvex", "spdx", "cyclonedx")
        )
    ),
}

# Tools that check only through one of these subcommands (or with no subcommand,
# when ``None`` is listed).  Anything else they do is setup, a fix or a report.
SUBCOMMAND_CHECKS: dict[str, frozenset[str | None]] = {
    "pre-commit": frozenset((None, "run", "try-repo")),
    "prek": frozenset((None, "run", "try-repo")),
    "twine": frozenset(("check",)),
    "mkdocs": frozenset(("build",)),
    "coverage": frozenset(("run",)),
    "snyk": frozenset(("test", "code", "iac", "container")),
    "cypress": frozenset(("run",)),
    "schemathesis": frozenset(("run",)),
    "newman": frozenset(("run",)),
    "mutmut": frozenset(("run",)),
    "biome": frozenset(("check", "lint", "ci", "format")),
    "asv": frozenset(("continuous", "check")),
    "dmypy": frozenset(("run", "check", "recheck")),  # not start, stop, status
    "semgrep": frozenset(("ci",)),  # `semgrep scan` only with --error
    "sqlfluff": frozenset(("lint", "parse")),  # not `fix`, `format`, `render`
    "dbt": frozenset(("test", "build")),
    "reuse": frozenset(("lint", "lint-file")),  # not `annotate`, `download`
    "kube-linter": frozenset(("lint",)),  # not `checks list`, `templates`
    # `golangci-lint fmt` rewrites files unless asked for the diff
    "golangci-lint": frozenset(("run", "fmt")),
    # macOS disk images: `hdiutil verify` checks an image's checksum; attach,
    # detach, create and convert only move images about
    "hdiutil": frozenset(("verify",)),
    "pip": frozenset(("check",)),
    "pip3": frozenset(("check",)),
    # `uv audit` (uv 0.10.12+) exits non-zero on a known vulnerability
    "uv": frozenset(("lock", "audit")),
    "poetry": frozenset(("check", "lock")),  # `lock --check` before poetry 1.6
    "pdm": frozenset(("lock",)),
    "hatch": frozenset(("test",)),
    "manage.py": frozenset(("test", "check", "makemigrations", "validate_templates")),
    "django-admin": frozenset(("test", "check", "makemigrations")),
    "quality-gates": frozenset(
        (None, "run", "audit-gates", "coverage", "docs-check", "import-time")
        + ("security", "protect", "ci")
    ),
    "terraform": frozenset(("validate", "fmt")),
    "tofu": frozenset(("validate", "fmt")),
    "helm": frozenset(("lint", "test")),
    "cargo": frozenset(
        ("test", "clippy", "check", "audit", "deny", "fmt", "fuzz", "nextest")
        # coverage runners run the tests; machete, udeps and semver-checks
        # fail on what they find
        + ("llvm-cov", "tarpaulin", "miri", "machete", "udeps", "semver-checks")
    ),
    "go": frozenset(("test", "vet")),
    "npm": frozenset(("test", "audit")),
    "yarn": frozenset(("test", "audit")),
    "pnpm": frozenset(("test", "audit")),
    "dotnet": frozenset(("test", "format")),
    "playwright": frozenset(("test",)),
    "towncrier": frozenset(("check", "build")),
    # `detect-secrets scan` and `audit --report` exit 0 whatever they find
    # (1.5); `detect-secrets-hook` is the check, failing on a new secret.
    "detect-secrets": frozenset(),
    "detect_secrets": frozenset(),  # `python -m detect_secrets`: the same program
}
# A subcommand that needs a flag to check (``uv lock --check``, ``terraform fmt
# -check``, ``cargo fmt --check``); without it the subcommand changes files.
_CHECK_FLAGS = frozenset(("--check", "-check", "--locked"))
NEEDS_CHECK_FLAG = {
    "uv lock": _CHECK_FLAGS,
    "pdm lock": _CHECK_FLAGS,
    "terraform fmt": _CHECK_FLAGS,
    "tofu fmt": _CHECK_FLAGS,
    "poetry lock": frozenset(("--check",)),
    "dotnet format": frozenset(("--verify-no-changes",)),
    "golangci-lint fmt": frozenset(("--diff", "-d")),
    "cargo fmt": _CHECK_FLAGS,
    "biome format": _CHECK_FLAGS,
    "towncrier build": frozenset(("--draft",)),
    # without --check, makemigrations writes the migrations it finds missing
    "manage.py makemigrations": frozenset(("--check",)),
    "django-admin makemigrations": frozenset(("--check",)),
}

# Subcommands of a checking subcommand that only report on what an earlier
# run collected: ``cargo llvm-cov report`` (``show-env``, ``clean``) runs no
# test; it checks only with a threshold (``--fail-under-lines 80``).
REPORT_SUBCOMMANDS: dict[str, frozenset[str]] = {
    "cargo llvm-cov": frozenset(("report", "show-env", "clean")),
}
# cargo-llvm-cov's thresholds: --fail-under-lines, --fail-uncovered-regions...
THRESHOLD_FLAGS = re.compile(r"^--fail-(under|uncovered)(-[a-z]+)?(=.*)?$")

# Arguments that make a command a check whatever its name.
CHECK_ARGUMENTS = re.compile(
    r"^(--check|--check-only|-check|--exit-code|--fail-under(=.*)?"
    r"|--cov-fail-under(=.*)?"
    r"|--fail-on(-.+)?(=.*)?|--error-on(-.+)?(=.*)?|--fail-level(=.*)?"
    r"|--fail-on-warning|--strict|--warnings-as-errors|-Werror|--exit-non-zero-on-fix"
    r"|--exit-non-zero-on-format)$"
)
# Arguments that make a fixer check (black, isort, ruff format, prettier).
FIXER_CHECK_FLAGS = frozenset(
    (
        "--check",
        "--check-only",
        "-c",
        "--list-different",
        "-l",
        "--exit-non-zero-on-fix",
    )
)
FIXERS = frozenset(
    "black isort prettier docformatter mdformat autopep8 autoflake pyupgrade".split()
    + "shfmt clang-format djlint gofmt".split()
)
# Fixers whose own flags make them check, instead of the ones above: ``shfmt
# -d`` fails with the diff; ``clang-format --dry-run --Werror`` fails on what
# it would change; ``djlint --check`` or ``--lint``, not ``--reformat``;
# ``autopep8 --exit-code`` exits 2 on a change; ``gofmt`` exits 0 whatever
# ``-l`` or ``-d`` print: a check only where its output is tested
# (``test -z "$(gofmt -l .)"``).
FIXER_OWN_CHECK_FLAGS: dict[str, frozenset[str]] = {
    "shfmt": frozenset(("-d", "--diff")),
    "clang-format": frozenset(("--Werror", "-Werror")),
    "djlint": frozenset(("--check", "--lint")),
    "autoflake": frozenset(("--check", "-c", "--check-diff")),
    # autopep8 exits 2 on a change with --exit-code (--diff or --in-place)
    "autopep8": frozenset(("--exit-code",)),
    "gofmt": frozenset(),
}
# pre-commit hooks that only rewrite files: their one failure is "I changed a
# file" (pre-commit-hooks' fixers and the formatters' own hooks).
FIXER_HOOKS = frozenset(
    """trailing-whitespace end-of-file-fixer mixed-line-ending fix-byte-order-marker
    fix-encoding-pragma requirements-txt-fixer double-quote-string-fixer
    file-contents-sorter sort-simple-yaml black black-jupyter isort ruff-format
    autopep8 autoflake pyupgrade docformatter mdformat prettier blacken-docs
    add-trailing-comma nbstripout clang-format""".split()
)

# Status queries: a check when it stands alone, control flow when tested by
# ``if``, ``&&`` or ``||`` (``if git diff --quiet; then ...``).
QUERY_TOOLS = frozenset(
    "git diff cmp grep egrep fgrep test [ [[ jq curl wget nc ncat netcat".split()
)

# Commands that set up, clean up, report or move things: never a check by the
# name of their step (a step named "Run tests" still installs with pip).  The
# system and device queries (``uname``, ``nvidia-smi``, ``rocminfo``) print
# what the runner has: diagnostics, not checks of the project.  Cloud CLIs
# (``aws``, ``gcloud``, ``az``, ``aliyun``, ``oci``, ``doctl``) manage or scan
# cloud resources, not the project's code.  ``security`` is macOS's keychain
# and certificate tool (``security find-identity``, ``security
# delete-keychain``): signing setup, whatever its name says.  Readiness
# probes wait for a service the job started (``pg_isready`` "checks the
# connection status of a PostgreSQL server", ``mysqladmin ping``, ``redis-cli
# ping``, ``nc -z``, ``wait-for-it``): a service up is setup, not the change.
PLUMBING = frozenset(
    """cd pushd popd rm rmdir mkdir cp mv ln touch chmod chown echo printf cat ls pwd
    export source . sleep kill pkill killall wait true false : test [ [[ set unset
    shopt trap read eval exit return continue break git curl wget apt-get apt dpkg
    brew yum dnf apk choco winget snap pip pip3 pipx conda mamba micromamba npm yarn
    pnpm corepack nvm rustup ssh ssh-keyscan ssh-add gpg which type hash tee xargs
    find sed awk cut sort uniq head tail wc tr date basename dirname realpath readlink
    grep egrep fgrep jq yq tar unzip zip gzip gunzip xz base64 sha256sum md5sum df du
    free uname whoami id hostname systemctl service docker podman kubectl helm aws
    gcloud az gh hub sudo env ulimit umask alias local declare readonly typeset let
    codecov coveralls codacy codacy-coverage-reporter diff cmp tput clear stty nproc
    getconf ldconfig
    update-alternatives locale-gen localedef mount umount ps top pgrep lsof netstat
    ss ping nc timeout deactivate activate pyenv asdf sdk fnm volta ccache
    sccache lsb_release openssl tree file stat printenv envsubst column nohup
    apt-add-repository add-apt-repository update-ccache-symlinks udevadm modprobe
    ldd otool install_name_tool strip 7z refreshenv nvidia-smi rocm-smi rocminfo
    xpu-smi clinfo lscpu lspci lsusb lsblk lshw vulkaninfo sysctl sw_vers
    system_profiler systeminfo dmesg aliyun oci doctl ibmcloud tccli
    virtualenv venv ensurepip security pg_isready mysqladmin redis-cli wait-for-it
    wait-for-it.sh""".split()
)
# A command whose own name says it sets something up: ``pkg_install curl``,
# ``install-deps.sh``, ``download_data.py``, ``init_settings.py`` are setup
# wherever they run.
SETUP_NAME = re.compile(
    r"(?i)(^|[-_./])(install|setup|download|fetch|cache|clean|upload|deploy|publish|"
    r"release|bump|prepare|bootstrap|provision|configure|generate|render|notify)"
    # a name that starts with a verb of preparing: `init_db.py`, `seed_data.py`
    r"|^(init|initiali[sz]e|seed|migrate|populate|set|create)([-_.]|$)"
)
# ... unless its name starts with a verb of checking: ``verify-release-
# candidate.sh`` verifies a release, ``check_install.sh`` checks an install;
# the setup word names what is checked.  Not ``test``: ``test-setup.sh`` may
# well set the tests up.
CHECK_VERB_NAME = re.compile(r"(?i)^(verify|validate|check|audit|lint)[-_]")


def setup_named(program: str) -> bool:
    """Tell a program's file name that says it sets up (``install-deps.sh``)."""
    return bool(SETUP_NAME.search(program)) and not CHECK_VERB_NAME.search(program)


# A program cargo built (``./target/release/app``, ``target/x86_64-unknown-
# linux-musl/debug/app``): the project's own artefact, run to be tried.  Its
# name is the product's (``app-installer install`` is the installer under
# test), so it says nothing of setting up; the step's name says what it is.
BUILT_ARTEFACT = re.compile(r"(^|/)target/([\w.-]+/)?(debug|release)/[^/]+$")
# A script named for reporting (``test_report.py``, ``coverage_summary.sh``).
REPORT_NAME = re.compile(r"(?i)report|summar|stats|metric|dashboard|badge|profil")
# A script file named for benchmarking (``bench_audit.py``, ``benchmark_slo.sh``)
# measures, whatever subject its name also gives; a module in a benchmarks
# package (``python -m benchmarks.run``) is judged by its own name.
BENCH_FILE = re.compile(
    r"(?i)^bench(mark)?s?([-_][\w-]*)?\.(py|sh|bash|js|mjs|ts|rb|pl)$"
)
# Metrics that print and never fail on what they find.
REPORTERS = frozenset(
    "radon cloc tokei pygount scc lizard wily syft cyclonedx-py cyclonedx-bom".split()
)
# Subcommands of checkers that report, set up or show rather than check.
NOT_CHECKING = {
    "asv": frozenset(("machine", "publish", "preview", "compare", "show", "find")),
    # `vitest bench` measures, `vitest list` lists, `vitest init` sets up
    "vitest": frozenset(("bench", "list", "init")),
    # `dbt deps`, `seed` and `snapshot` set up or load; `docs`, `ls`, `show`,
    # `debug` print; `dbt run` and `compile` check where their step says so
    "dbt": frozenset(
        "deps seed snapshot docs ls list show debug clean init run-operation".split()
    ),
    # `ruff rule E501`, `ruff linter`, `ruff version`: the catalogue, shown
    "ruff": frozenset("rule linter config version clean server analyze help".split()),
}

# ``test`` inside a word that is no test: attest(ation), latest, greatest,
# fastest, contest, protest.
TEST_WORD = r"(?<!at)(?<!la)(?<!ea)(?<!fas)(?<!con)(?<!pro)test"
GATE_WORDS = re.compile(
    TEST_WORD + r"|lint|check|audit|scan|verify|validat|typecheck|type-check|coverage|"
    r"security|sast|clippy|\bvet\b|spotless|fmt|format|fuzz|doctest|smoke|e2e|a11y"
)
