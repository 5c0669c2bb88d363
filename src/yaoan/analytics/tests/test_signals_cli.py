"""The command-line contract: output columns, JSON keys, messages and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from yaoan.analytics.signals import cli, gps
from yaoan.analytics.tests.conftest import write_rows

HEADER = "drug,event,N,E,RR,PRR,PRR_chi2,ROR,ROR025,ROR975,IC,IC025,EBGM,EB05,EB95"
ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    rows = []
    for rid in range(400):
        for d in set(rng.integers(0, 12, rng.integers(1, 4))):
            for ev in set(rng.integers(0, 20, rng.integers(1, 4))):
                rows.append([f"R{rid}", f"D{d}", f"E{ev}", "F" if rid % 2 else "M"])
    return write_rows(tmp_path / "reports.csv", ["report_id", "drug", "event", "sex"], rows)


def _run(*argv: str) -> int:
    return cli.main(list(argv))


def test_compute_writes_the_contract_columns_and_prior(reports: Path, tmp_path: Path) -> None:
    out, hyper = tmp_path / "out.csv", tmp_path / "h.json"
    assert (
        _run("compute", str(reports), "--out", str(out), "--hyper-out", str(hyper), "--quiet") == 0
    )
    lines = out.read_text().splitlines()
    assert lines[0] == HEADER
    assert len(lines) > 50
    prior = json.loads(hyper.read_text())
    assert list(prior) == ["alpha1", "beta1", "alpha2", "beta2", "p", "log_likelihood"]
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(out)
    n = table.column("N").to_numpy()
    e = table.column("E").to_numpy()
    theta = [prior[k] for k in ("alpha1", "beta1", "alpha2", "beta2", "p")]
    assert prior["log_likelihood"] == pytest.approx(-gps.neg_log_likelihood(theta, n, e), rel=1e-12)


def test_hyper_scores_with_the_given_prior(reports: Path, tmp_path: Path) -> None:
    out, hyper = tmp_path / "out.csv", tmp_path / "h.json"
    code = _run(
        "compute",
        str(reports),
        "--out",
        str(out),
        "--hyper",
        "0.2,0.1,2,4,0.3333",
        "--hyper-out",
        str(hyper),
        "--quiet",
    )
    assert code == 0
    written = json.loads(hyper.read_text())
    assert [written[k] for k in ("alpha1", "beta1", "alpha2", "beta2", "p")] == [
        0.2,
        0.1,
        2,
        4,
        0.3333,
    ]
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(out)
    n, e = table.column("N").to_numpy(), table.column("E").to_numpy()
    post = gps.score(gps.Prior(0.2, 0.1, 2, 4, 0.3333), n, e)
    np.testing.assert_allclose(table.column("EBGM").to_numpy(), post.ebgm, rtol=1e-15)
    np.testing.assert_allclose(table.column("EB05").to_numpy(), post.eb05, rtol=1e-15)


def test_strata_and_min_count(reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert (
        _run(
            "compute",
            str(reports),
            "--out",
            str(out),
            "--strata",
            "sex",
            "--min-count",
            "3",
            "--hyper",
            "0.2,0.1,2,4,0.3",
            "--quiet",
        )
        == 0
    )
    import pyarrow.csv as pacsv

    assert pacsv.read_csv(out).column("N").to_numpy().min() >= 3


@pytest.mark.parametrize(
    ("argv", "code", "needle"),
    [
        (["compute", "{dir}/nope.csv", "--out", "{dir}/o.csv"], 3, "nope.csv"),
        (["compute", "{empty}", "--out", "{dir}/o.csv"], 3, "empty"),
        (["compute", "{header_only}", "--out", "{dir}/o.csv"], 3, "no data rows"),
        (["compute", "{reports}", "--out", "{dir}/o.csv", "--drug-col", "product"], 3, "product"),
        (["compute", "{reports}", "--out", "{dir}/o.csv", "--strata", "age"], 3, "age"),
        (["compute", "{reports}", "--out", "{dir}/o.csv", "--hyper", "1,2,3"], 2, "5 comma"),
        (["compute", "{reports}", "--out", "{dir}/o.csv", "--hyper", "1,2,x,4,0.5"], 2, "'x'"),
        (["compute", "{reports}", "--out", "{dir}/o.csv", "--hyper", "1,2,3,4,1.5"], 2, "p must"),
        (["compute", "{reports}", "--out", "{dir}/o.csv", "--hyper", "1,-2,3,4,.5"], 2, "beta1"),
        (["compute", "{reports}", "--out", "{dir}/o.csv", "--hyper", "1,2,3,nan,.5"], 2, "beta2"),
        (["compute", "{reports}", "--out", "{dir}/o.csv", "--min-count", "two"], 2, "min-count"),
        (["compute", "{reports}"], 2, "--out"),
    ],
)
def test_bad_input_gives_a_message_and_exit_code(
    argv, code, needle, reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write_rows(tmp_path / "header.csv", ["report_id", "drug", "event"], [])
    values = {"dir": tmp_path, "empty": empty, "header_only": header_only, "reports": reports}
    assert _run(*(a.format(**values) for a in argv)) == code
    assert needle in capsys.readouterr().err


def test_console_script_runs_without_django(reports: Path, tmp_path: Path) -> None:
    yaoan = Path(sys.executable).parent / "yaoan"
    out = tmp_path / "out.csv"
    ok = subprocess.run(
        [
            str(yaoan),
            "signals",
            "compute",
            str(reports),
            "--out",
            str(out),
            "--hyper",
            "0.2,0.1,2,4,0.3",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert ok.returncode == 0, ok.stderr
    assert "signals:" in ok.stderr  # progress on stderr
    assert out.read_text().splitlines()[0] == HEADER
    bad = subprocess.run(
        [str(yaoan), "signals", "compute", str(tmp_path / "missing.csv"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert bad.returncode == 3
    assert "missing.csv" in bad.stderr and "Traceback" not in bad.stderr
