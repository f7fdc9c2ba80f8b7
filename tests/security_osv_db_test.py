"""The offline OSV matcher on real advisories with tricky ranges, and damaged databases.

The records below are real PyPI advisories (ids, aliases and ranges as OSV and
GitHub publish them, abridged to the fields the matcher reads), written as OSV
JSON the way OSV's ``PyPI/all.zip`` dump holds them: one ``<ID>.json`` each.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from packaging.version import Version
from quality_gates.errors import GateError
from quality_gates.security import osv_db
from quality_gates.security.advisory import Advisory, cvss3_score, smallest_upgrade
from quality_gates.security.deps import Dependency
from quality_gates.security.osv_db import VulnDB, range_affects
from security_osv_standin import ranges, record

RECORDS = [
    # requests: Proxy-Authorization leak on redirect to https; introduced 0, fixed 2.20.0
    record(
        "PYSEC-2018-28",
        ["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"],
        "requests",
        {"ranges": ranges(("introduced", "0"), ("fixed", "2.20.0"))},
        severity=[
            {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}
        ],
    ),
    # requests: Proxy-Authorization header leak; 2.3.0 <= v < 2.31.0
    record(
        "GHSA-j8r2-6x86-q33q",
        ["CVE-2023-32681", "PYSEC-2023-74"],
        "requests",
        {"ranges": ranges(("introduced", "2.3.0"), ("fixed", "2.31.0"))},
        database_specific={"severity": "MODERATE"},
    ),
    # requests: verify=False persists on the session; fixed 2.32.0
    record(
        "GHSA-9wx4-h78v-vm56",
        ["CVE-2024-35195"],
        "requests",
        {"ranges": ranges(("introduced", "0"), ("fixed", "2.32.0"))},
    ),
    # urllib3: Cookie header on cross-origin redirect; two introduced/fixed pairs in one range
    record(
        "GHSA-v845-jxx5-vc9f",
        ["CVE-2023-43804", "PYSEC-2023-192"],
        "urllib3",
        {
            "ranges": ranges(
                ("introduced", "0"),
                ("fixed", "1.26.17"),
                ("introduced", "2.0.0"),
                ("fixed", "2.0.6"),
            )
        },
    ),
    # urllib3: request body not stripped on 303; the same two branches as two affected entries
    record(
        "GHSA-g4mx-q9vg-27p4",
        ["CVE-2023-45803", "PYSEC-2023-212"],
        "urllib3",
        {"ranges": ranges(("introduced", "0"), ("fixed", "1.26.18"))},
        {"ranges": ranges(("introduced", "2.0.0"), ("fixed", "2.0.7"))},
    ),
    # Jinja2 (published under its capitalised name): sandbox escape; fixed 2.10.1
    record(
        "GHSA-462w-v97r-4m45",
        ["CVE-2019-10906", "PYSEC-2019-217"],
        "Jinja2",
        {"ranges": ranges(("introduced", "0"), ("fixed", "2.10.1"))},
        database_specific={"severity": "HIGH"},
    ),
    # jinja2: xmlattr XSS; fixed 3.1.3
    record(
        "GHSA-h5c8-rqwp-cp95",
        ["CVE-2024-22195"],
        "jinja2",
        {"ranges": ranges(("introduced", "0"), ("fixed", "3.1.3"))},
    ),
    # Django: potential ReDoS in EmailValidator/URLValidator; three release branches
    record(
        "GHSA-jh3w-4vvf-mjgr",
        ["CVE-2023-36053", "PYSEC-2023-100"],
        "django",
        {
            "ranges": ranges(
                ("introduced", "3.2"),
                ("fixed", "3.2.20"),
                ("introduced", "4.0"),
                ("fixed", "4.1.10"),
                ("introduced", "4.2"),
                ("fixed", "4.2.3"),
            )
        },
    ),
    # pycrypto: never fixed; last_affected 2.6.1
    record(
        "GHSA-6528-wvf6-f6qg",
        ["CVE-2018-6594"],
        "pycrypto",
        {"ranges": ranges(("introduced", "0"), ("last_affected", "2.6.1"))},
    ),
    # Flask-CORS: log injection; the record spells it flask-cors, users write Flask_Cors
    record(
        "GHSA-84pr-m4jr-85g5",
        ["CVE-2024-1681"],
        "flask-cors",
        {"ranges": ranges(("introduced", "0"), ("fixed", "4.0.1"))},
    ),
    # a PYSEC-style record with an explicit versions list and no usable range
    record(
        "PYSEC-2014-13",
        ["CVE-2014-1829"],
        "requests",
        {"versions": ["1.2.3", "2.0.0", "2.0.1", "2.1.0"]},
    ),
    # a withdrawn advisory never matches
    record(
        "GHSA-withdrawn-0000",
        [],
        "requests",
        {"ranges": ranges(("introduced", "0"))},
        withdrawn="2024-01-01T00:00:00Z",
    ),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> VulnDB:
    folder = tmp_path_factory.mktemp("osv") / "PyPI"
    folder.mkdir()
    for rec in RECORDS:
        (folder / f"{rec['id']}.json").write_text(json.dumps(rec))
    return VulnDB.load(folder)


@pytest.mark.parametrize(
    ("name", "version", "expected"),
    [
        pytest.param(
            "requests",
            "2.19.0",
            {"PYSEC-2018-28", "GHSA-j8r2-6x86-q33q", "GHSA-9wx4-h78v-vm56"},
            id="requests-old",
        ),
        pytest.param(
            "requests",
            "2.20.0",
            {"GHSA-j8r2-6x86-q33q", "GHSA-9wx4-h78v-vm56"},
            id="exactly-at-fixed",
        ),
        pytest.param(
            "requests",
            "2.2.1",
            {"PYSEC-2018-28", "GHSA-9wx4-h78v-vm56"},
            id="below-introduced",
        ),
        pytest.param(
            "requests", "2.31.0", {"GHSA-9wx4-h78v-vm56"}, id="fixed-one-branch"
        ),
        pytest.param("requests", "2.32.0", set(), id="clean"),
        pytest.param(
            "requests",
            "2.1.0",
            {"PYSEC-2018-28", "GHSA-9wx4-h78v-vm56", "PYSEC-2014-13"},
            id="versions-list",
        ),
        pytest.param(
            "requests",
            "2.1.1",
            {"PYSEC-2018-28", "GHSA-9wx4-h78v-vm56"},
            id="not-in-versions-list",
        ),
        pytest.param(
            "urllib3",
            "1.26.16",
            {"GHSA-v845-jxx5-vc9f", "GHSA-g4mx-q9vg-27p4"},
            id="urllib3-1.x",
        ),
        pytest.param(
            "urllib3", "1.26.17", {"GHSA-g4mx-q9vg-27p4"}, id="urllib3-at-first-fix"
        ),
        pytest.param("urllib3", "1.26.18", set(), id="urllib3-1.x-fixed"),
        pytest.param(
            "urllib3",
            "2.0.0",
            {"GHSA-v845-jxx5-vc9f", "GHSA-g4mx-q9vg-27p4"},
            id="second-introduced",
        ),
        pytest.param("urllib3", "2.0.6", {"GHSA-g4mx-q9vg-27p4"}, id="second-fixed"),
        pytest.param("urllib3", "2.0.0a1", set(), id="prerelease-below-introduced"),
        pytest.param(
            "urllib3",
            "2.0.6rc1",
            {"GHSA-v845-jxx5-vc9f", "GHSA-g4mx-q9vg-27p4"},
            id="prerelease-of-fixed-still-affected",
        ),
        pytest.param("urllib3", "2.0.7", set(), id="urllib3-2.x-fixed"),
        pytest.param(
            "jinja2",
            "2.10",
            {"GHSA-462w-v97r-4m45", "GHSA-h5c8-rqwp-cp95"},
            id="name-case",
        ),
        pytest.param("JINJA2", "3.1.3", set(), id="name-upper-at-fixed"),
        pytest.param("Django", "3.1.14", set(), id="django-between-branches"),
        pytest.param("Django", "3.2.19", {"GHSA-jh3w-4vvf-mjgr"}, id="django-3.2"),
        pytest.param("Django", "4.1.10", set(), id="django-4.1-fixed"),
        pytest.param(
            "Django", "4.2", {"GHSA-jh3w-4vvf-mjgr"}, id="django-4.2-introduced"
        ),
        pytest.param("Django", "4.2rc1", set(), id="django-prerelease-before-branch"),
        pytest.param(
            "pycrypto", "2.6.1", {"GHSA-6528-wvf6-f6qg"}, id="at-last-affected"
        ),
        pytest.param("pycrypto", "2.6.2", set(), id="after-last-affected"),
        pytest.param(
            "Flask_Cors", "4.0.0", {"GHSA-84pr-m4jr-85g5"}, id="underscore-name"
        ),
        pytest.param("flask.cors", "4.0.1", set(), id="dot-name-fixed"),
        pytest.param("unknown-package", "1.0", set(), id="unknown-package"),
    ],
)
def test_matcher(db: VulnDB, name: str, version: str, expected: set[str]) -> None:
    assert {r["id"] for r in db.affected(name, version)} == expected


@pytest.mark.parametrize(
    ("name", "version", "upgrade"),
    [
        pytest.param("requests", "2.19.0", "2.32.0", id="highest-of-three-fixes"),
        pytest.param(
            "urllib3", "1.26.16", "1.26.18", id="first-fix-still-in-another-range"
        ),
        pytest.param("urllib3", "2.0.5", "2.0.7", id="stays-on-branch"),
        pytest.param("Django", "4.1.5", "4.1.10", id="django-branch-fix"),
        pytest.param("pycrypto", "2.6.1", None, id="no-fix-known"),
    ],
)
def test_smallest_upgrade_offline(
    db: VulnDB, name: str, version: str, upgrade: str | None
) -> None:
    advisories, found = db.audit(Dependency(name, version))
    assert advisories
    assert found == upgrade


def test_advisory_carries_aliases_fixes_and_scores(db: VulnDB) -> None:
    advisories, _ = db.audit(Dependency("requests", "2.19.0"))
    by_id = {a.id: a for a in advisories}
    assert by_id["PYSEC-2018-28"].aliases == ("CVE-2018-18074", "GHSA-x84v-xcm2-53pg")
    assert by_id["PYSEC-2018-28"].fixed == ("2.20.0",)
    assert by_id["PYSEC-2018-28"].score == "7.5"  # from the CVSS v3.1 vector
    assert by_id["GHSA-j8r2-6x86-q33q"].score == "5.5"  # GitHub's MODERATE label
    assert by_id["GHSA-9wx4-h78v-vm56"].score is None  # unknown: shown as assumed high
    urllib3, _ = db.audit(Dependency("urllib3", "1.26.16"))
    assert {a.id: a.fixed for a in urllib3}["GHSA-v845-jxx5-vc9f"] == (
        "1.26.17",
        "2.0.6",
    )


@pytest.mark.parametrize(
    ("vector", "score"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "9.8"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "7.5"),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "6.1"),
        ("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", "0.0"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", None),
        ("CVSS:3.1/garbage", None),
    ],
)
def test_cvss3_score(vector: str, score: str | None) -> None:
    assert cvss3_score(vector) == score


def test_smallest_upgrade_from_fix_lists_only() -> None:
    advisories = [
        Advisory("A", fixed=("1.26.17", "2.0.6")),
        Advisory("B", fixed=("1.26.18", "2.0.7")),
    ]
    assert smallest_upgrade("1.26.16", advisories) == "1.26.18"
    assert smallest_upgrade("2.0.1", advisories) == "2.0.7"
    assert smallest_upgrade("3.0", advisories) is None
    # a final release is preferred over a pre-release fix for a final install
    assert smallest_upgrade("1.0", [Advisory("C", fixed=("1.1rc1", "1.1"))]) == "1.1"
    assert (
        smallest_upgrade("1.1b1", [Advisory("C", fixed=("1.1rc1", "1.1"))]) == "1.1rc1"
    )


def test_range_events_unsorted_and_unparseable() -> None:
    events = [{"fixed": "2.0"}, {"introduced": "1.0"}, {"introduced": "not a version"}]
    assert range_affects(events, Version("1.5"))
    assert not range_affects(events, Version("2.0"))
    assert not range_affects(events, Version("0.9"))


def test_zip_layout_of_osv_dump(tmp_path: Path) -> None:
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for rec in RECORDS:
            zf.writestr(f"{rec['id']}.json", json.dumps(rec))
    db = VulnDB.load(archive)
    assert db.records == len(RECORDS)
    assert {r["id"] for r in db.affected("jinja2", "2.10")} == {
        "GHSA-462w-v97r-4m45",
        "GHSA-h5c8-rqwp-cp95",
    }


def _zip(tmp_path: Path) -> Path:
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for rec in RECORDS:
            zf.writestr(f"{rec['id']}.json", json.dumps(rec))
    return archive


def test_truncated_zip_names_the_file(tmp_path: Path) -> None:
    archive = _zip(tmp_path)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(GateError, match=r"all\.zip: not a readable zip"):
        VulnDB.load(archive)


def test_damaged_member_names_the_record(tmp_path: Path) -> None:
    archive = _zip(tmp_path)
    data = bytearray(archive.read_bytes())
    start = data.index(b"PYSEC-2018-28.json") + len("PYSEC-2018-28.json")
    data[start + 5 : start + 25] = (
        b"\x00" * 20
    )  # corrupt compressed bytes of the first member
    archive.write_bytes(bytes(data))
    with pytest.raises(
        GateError, match=r"PYSEC-2018-28\.json: cannot read from the zip"
    ):
        VulnDB.load(archive)


def test_invalid_json_record_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "GOOD.json").write_text(json.dumps(RECORDS[0]))
    (tmp_path / "BAD-1.json").write_text('{"id": "BAD-1", "affected": [')
    with pytest.raises(GateError, match=r"BAD-1\.json: invalid JSON at line 1"):
        VulnDB.load(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('["a list"]', "not an OSV record"),
        ('{"id": "X", "affected": {"package": 1}}', "'affected' must be a list"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_malformed_records(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "X.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(GateError, match=message):
        VulnDB.load(tmp_path)


def test_empty_or_missing_database(tmp_path: Path) -> None:
    with pytest.raises(GateError, match="no OSV records"):
        VulnDB.load(tmp_path)
    with pytest.raises(GateError, match="no such file or folder"):
        VulnDB.load(tmp_path / "missing.zip")


def test_a_record_nested_too_deep_is_refused(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "DEEP-1.json").write_text('{"id": "DEEP-1", "details": ' + deep + "}")
    with pytest.raises(GateError, match=r"DEEP-1\.json: nested too deeply"):
        VulnDB.load(tmp_path)


@pytest.mark.parametrize("layout", ["zip", "folder"])
def test_an_oversized_entry_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """The limit is lowered to 1 KB here; bench/faults.py runs the real 1 GiB bomb."""
    monkeypatch.setattr(osv_db, "MAX_RECORD_BYTES", 1024)
    big = json.dumps({"id": "BIG-1", "details": "A" * 4096})
    if layout == "zip":
        db = tmp_path / "all.zip"
        with zipfile.ZipFile(db, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("BIG-1.json", big)
    else:
        db = tmp_path / "records"
        db.mkdir()
        (db / "BIG-1.json").write_text(big)
    with pytest.raises(GateError, match=r"BIG-1\.json: .*over the 1024 bytes"):
        VulnDB.load(db)
