"""Crashes and full disks lose nothing (docs/hardening.md "Guarantees").

A result file appears under its final name only when complete (written as
`<name>.tmp-<pid>`, fsynced, renamed); an existing result is replaced only with --force and
only by a complete file. Checked here against what happens on clusters: a full disk (a small
tmpfs, mounted in a private mount namespace as root; else skipped with the reason), a file
size limit (`ulimit -f`), and SIGKILL in the middle of writing a run file and in the middle
of a sweep's merge (then --resume finishes the sweep). Every command runs under a timeout.
"""

import os
import resource
import shutil
import subprocess
import time
from pathlib import Path

import h5py
import pytest

from engine_binary import binary_path, scaled_timeout
from engine_support import REPO

BIN = binary_path()
BASELINE = REPO / "scenarios" / "baseline.yaml"
REGISTER = REPO / "scenarios" / "worlds" / "fixture_register.csv"
WORLD = ["--set", "world.n_primary=2000", "--set", "world.n_secondary=400", "--set", "run.terms=10"]
TIMEOUT = 120


def schoolsim(*args, limit_file_size=None, timeout=TIMEOUT):
    def limit():
        if limit_file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=scaled_timeout(timeout),
                          preexec_fn=limit)


def precious(path):
    """An earlier result (a valid HDF5 file) whose bytes must survive."""
    with h5py.File(path, "w") as f:
        f.attrs["title"] = "an earlier result"
        f["x"] = list(range(1000))
    return path.read_bytes()


def temporaries(folder):
    return sorted(p.name for p in Path(folder).iterdir() if ".tmp-" in p.name)


# ----------------------------------------------------------------------------- full disk

FULL_DISK_SCRIPT = r"""
set -u
mount -t tmpfs -o size="$SIZE" tmpfs "$DIR" || exit 90
cp "$PRECIOUS" "$DIR/out.h5"
"$BIN" "$@" -o "$DIR/out.h5" --force; echo "replace_status=$?"
cmp -s "$PRECIOUS" "$DIR/out.h5" && echo "replace_kept=yes"
"$BIN" "$@" -o "$DIR/new.h5"; echo "new_status=$?"
ls -A "$DIR" | sed 's/^/file=/'
"""


def in_private_tmpfs(tmp_path, args, size):
    """Runs schoolsim `args` twice on a tmpfs of `size` too small for the output: replacing
    out.h5 and writing new.h5."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("a small tmpfs needs root and unshare (util-linux); the file size limit test covers the rest")
    mount = tmp_path / "disk"
    mount.mkdir()
    saved = tmp_path / "precious.h5"
    precious(saved)
    env = dict(os.environ, DIR=str(mount), PRECIOUS=str(saved), BIN=str(BIN), SIZE=size)
    result = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", FULL_DISK_SCRIPT, "sh",
                             *map(str, args)], capture_output=True, text=True, env=env, timeout=scaled_timeout(TIMEOUT))
    if result.returncode == 90:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    lines = result.stdout.splitlines()
    values = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("file="))
    files = sorted(line[5:] for line in lines if line.startswith("file="))
    return values, files, result.stderr


@pytest.mark.parametrize("command", ["run", "world import"])
def test_full_disk_is_an_error_and_keeps_the_existing_result(tmp_path, command):
    # Run file ~700 KB, world file ~90 KB; the earlier result takes ~10 KB.
    args, size = {"run": (["run", BASELINE, *WORLD], "300k"),
                  "world import": (["world", "import", REGISTER, "--max-bad-share", "0.05", "-q"], "32k")}[command]
    values, files, stderr = in_private_tmpfs(tmp_path, args, size)
    assert values["replace_status"] == "1", stderr
    assert values.get("replace_kept") == "yes", "the earlier result was changed"
    assert values["new_status"] == "1", stderr
    assert "No space left on device" in stderr
    assert "Segmentation fault" not in stderr and "core dumped" not in stderr
    assert files == ["out.h5"], f"left behind: {files}"


def test_file_size_limit_is_an_error_and_keeps_the_existing_result(tmp_path):
    out = tmp_path / "out.h5"
    before = precious(out)
    result = schoolsim("run", BASELINE, "-o", out, "--force", *WORLD, limit_file_size=200_000)
    assert result.returncode == 1, result.stderr
    assert "File too large" in result.stderr and str(out) in result.stderr
    assert out.read_bytes() == before
    assert temporaries(tmp_path) == []
    result = schoolsim("run", BASELINE, "-o", tmp_path / "new.h5", *WORLD, limit_file_size=200_000)
    assert result.returncode == 1, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.h5"]


# ----------------------------------------------------------------------------- SIGKILL


def kill_while_writing(args, folder, attempts=3):
    """Starts schoolsim, waits until its temporary output file appears and SIGKILLs it then.

    Returns the temporary file's name, or fails if the command always finished first.
    """
    for _ in range(attempts):
        process = subprocess.Popen([str(BIN), *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + TIMEOUT
        found = []
        while process.poll() is None and time.monotonic() < deadline and not found:
            found = [name for name in temporaries(folder) if name.endswith(f".tmp-{process.pid}")]
            time.sleep(0.0005)
        process.kill()
        process.wait()
        if found and (Path(folder) / found[0]).exists():
            return found[0]  # killed while the temporary file existed: mid-write
    pytest.fail(f"could not catch schoolsim writing its output in {attempts} attempts")


def test_sigkill_while_writing_a_run_keeps_the_existing_result(tmp_path):
    out = tmp_path / "out.h5"
    before = precious(out)
    args = ["run", BASELINE, "-o", out, "--force", "--set", "world.n_primary=16000", "--set",
            "world.n_secondary=4000", "--set", "run.terms=4"]
    temporary = kill_while_writing(args, tmp_path)
    assert out.read_bytes() == before, "the earlier result was changed"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out.h5", temporary])


def test_sigkill_while_writing_a_new_run_leaves_no_file_under_its_name(tmp_path):
    out = tmp_path / "out.h5"
    args = ["run", BASELINE, "-o", out, "--set", "world.n_primary=16000", "--set", "world.n_secondary=4000",
            "--set", "run.terms=4"]
    temporary = kill_while_writing(args, tmp_path)
    assert not out.exists()
    assert temporary.startswith("out.h5.tmp-")
    # The leftover temporary file never blocks a new run (it has another pid in its name).
    result = schoolsim(*args[:4], *WORLD)
    assert result.returncode == 0, result.stderr
    with h5py.File(out, "r") as f:
        assert f["term"].shape == (11,)


SWEEP = """base: {base}
set:
  world: {{n_primary: 3000, n_secondary: 600, n_las: 20}}
  run.terms: 4
parameters:
  brokering.slots_per_term: {{min: 1, max: 5}}
design: {{type: grid, levels: 3}}
replicates: 4
output: {{per_school: true}}
"""


def test_sigkill_during_sweep_merge_then_resume(tmp_path):
    spec = tmp_path / "sweep.yaml"
    spec.write_text(SWEEP.format(base=REPO / "scenarios" / "la_brokered.yaml"))
    out = tmp_path / "sweep.h5"
    args = ["sweep", spec, "-o", out, "--threads", "2", "-q"]
    temporary = kill_while_writing(args, tmp_path)
    assert not out.exists(), "a partial sweep file appeared under the final name"
    assert (tmp_path / "sweep.h5.parts").is_dir(), "the finished runs' journal must survive"
    (tmp_path / temporary).unlink()
    result = schoolsim(*args, "--resume")
    assert result.returncode == 0, result.stderr
    with h5py.File(out, "r") as f:
        assert f["run"].shape == (12,)
        assert (f["run_status"][...] == 0).all()
    check = schoolsim("info", out, "--verify")
    assert check.returncode == 0, check.stdout + check.stderr


# ----------------------------------------------------------------------------- checksums


@pytest.fixture(scope="module")
def result_files(tmp_path_factory):
    """A run file, a world file and a sweep file, as the engine writes them."""
    folder = tmp_path_factory.mktemp("results")
    run_file, world, sweep = folder / "run.h5", folder / "world.h5", folder / "sweep.h5"
    for args in (["run", BASELINE, "-o", run_file, *WORLD, "-q"],
                 ["world", "import", REGISTER, "-o", world, "--max-bad-share", "0.05", "-q"],
                 ["sweep", REPO / "scenarios" / "sweeps" / "la_brokered_grid.yaml", "-o", sweep, "-q"]):
        result = schoolsim(*args)
        assert result.returncode == 0, result.stderr
    return {"run": run_file, "world": world, "sweep": sweep}


@pytest.mark.parametrize("kind", ["run", "world", "sweep"])
def test_every_numeric_dataset_carries_a_fletcher32_checksum(result_files, kind):
    with h5py.File(result_files[kind], "r") as f:
        numeric = [name for name, ds in f.items()
                   if isinstance(ds, h5py.Dataset) and ds.dtype.kind in "iuf" and ds.shape != ()]
        assert numeric
        missing = [name for name in numeric if not f[name].fletcher32]
    assert missing == []
    result = schoolsim("info", result_files[kind], "--verify")
    assert result.returncode == 0, result.stderr
    assert "verify: ok" in result.stdout
    assert f"{len(numeric)} with Fletcher-32 checksums" in result.stdout


def flip_byte_in(path, name):
    """Flips one byte in the middle of the stored data of dataset `name` (its first chunk)."""
    with h5py.File(path, "r") as f:
        ds = f[name]
        offset = ds.id.get_offset()  # contiguous data; None when chunked
        if offset is None:
            info = ds.id.get_chunk_info(0)
            offset, size = info.byte_offset, info.size
        else:
            size = ds.id.get_storage_size()
    with open(path, "r+b") as f:
        f.seek(offset + size // 2)
        byte = f.read(1)[0]
        f.seek(offset + size // 2)
        f.write(bytes([byte ^ 0x5A]))


@pytest.mark.parametrize("kind, dataset", [("run", "attainment_sd"), ("run", "school_attainment"),
                                           ("world", "school_x"), ("sweep", "school_grade")])
def test_verify_names_the_damaged_dataset(tmp_path, result_files, kind, dataset):
    damaged = tmp_path / f"{kind}.h5"
    shutil.copy(result_files[kind], damaged)
    flip_byte_in(damaged, dataset)
    result = schoolsim("info", damaged, "--verify")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"damaged: {damaged}: 1 of" in result.stderr
    assert f"\n  {dataset}: data error detected by Fletcher32 checksum" in result.stderr
    # Without --verify, info only reads metadata and succeeds.
    assert schoolsim("info", damaged).returncode == 0


def test_verify_refuses_truncated_and_foreign_files(tmp_path, result_files):
    truncated = tmp_path / "truncated.h5"
    truncated.write_bytes(result_files["run"].read_bytes()[:4000])
    result = schoolsim("info", truncated, "--verify")
    assert result.returncode == 1 and "damaged or truncated" in result.stderr
    text = tmp_path / "notes.h5"
    text.write_text("not HDF5\n")
    result = schoolsim("info", text, "--verify")
    assert result.returncode == 2 and "notes.h5" in result.stderr
