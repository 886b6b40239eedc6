"""``python -m schoolsim``: report and plot subcommands, errors and exit status."""

import subprocess
import sys

import matplotlib.image as mpimg
import pytest

from schoolsim.__main__ import main


def test_report_subcommand(files, tmp_path, capsys):
    assert main(["report", str(files["run_a"]), str(files["run_b"]), "-o", str(tmp_path / "r")]) == 0
    assert capsys.readouterr().out.strip().endswith("index.html")
    html = (tmp_path / "r" / "index.html").read_text()
    assert "base" in html and "funded" in html and html.count("<img ") >= 7


def test_plot_subcommand(files, tmp_path):
    out = tmp_path / "fig.png"
    assert main(["plot", str(files["run_a"]), str(files["rep_funded"]), "--metric",
                 "attainment_sd", "-o", str(out), "--labels", "A,B"]) == 0
    image = mpimg.imread(out)
    assert image[..., :3].std() > 0.05


def test_missing_file_is_a_clear_error(files, tmp_path, capsys):
    missing = tmp_path / "missing.h5"
    assert main(["report", str(files["run_a"]), str(missing), "-o", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err
    assert "schoolsim: error: schoolsim file not found:" in err and "missing.h5" in err
    assert main(["plot", str(missing), "--metric", "attainment_sd", "-o", str(tmp_path / "f.png")]) == 1


@pytest.mark.parametrize("argv", [
    [],
    ["report"],
    ["report", "a.h5"],  # no -o
    ["frobnicate", "a.h5"],
    ["plot", "a.h5", "-o", "f.png"],  # no --metric
])
def test_usage_errors_exit_2(argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_unknown_metric_and_bad_labels_are_usage_errors(files, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["plot", str(files["run_a"]), "--metric", "nope", "-o", str(tmp_path / "f.png")])
    assert exc.value.code == 2
    assert "no metric 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["report", str(files["run_a"]), "--labels", "a,b", "-o", str(tmp_path)])
    assert exc.value.code == 2


def test_module_runs_as_a_program(tmp_path):
    result = subprocess.run([sys.executable, "-m", "schoolsim", "report", str(tmp_path / "x.h5"),
                             "-o", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "x.h5" in result.stderr
    result = subprocess.run([sys.executable, "-m", "schoolsim"], capture_output=True, text=True)
    assert result.returncode == 2 and "usage:" in result.stderr
