"""Reliability of sweeps and runs (issue 14): a resume never mixes two worlds, a running
sweep's lock holds against --force, no output replaces an input, --dry-run checks memory,
Ctrl-C or SIGTERM during `run`'s write leaves no temporary file, --set cannot silently
override a swept parameter, and a journal that is not a regular file is refused up front."""

import os
import re
import shutil
import signal
import subprocess
import time

import h5py
import pytest

from engine_support import REPO, schoolsim_binary
from sweep_support import GRID_SPEC, journal_frames, journal_path

POLL_SECONDS = 0.002
TIMEOUT_SECONDS = 120
WORLDS = REPO / "scenarios" / "worlds"


def start(*args):
    return subprocess.Popen([str(schoolsim_binary()), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_records(process, out, count):
    """Waits until the journal of `out` holds `count` runs (fails if the sweep ends first)."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while len(journal_frames(out)) < count:
        if process.poll() is not None:
            pytest.fail(f"the sweep ended before {count} runs: {process.communicate()[1]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no {count} runs after {TIMEOUT_SECONDS} s")
        time.sleep(POLL_SECONDS)


def interrupted_sweep(spec, out, records=2, *extra):
    """A sweep killed (SIGKILL) once its journal holds `records` runs."""
    process = start("sweep", spec, "-o", out, "--threads", "1", "-q", *extra)
    wait_for_records(process, out, records)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=TIMEOUT_SECONDS)
    if out.exists():
        pytest.fail("the sweep finished before it could be killed")
    assert process.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def register_world(tmp_path_factory, schoolsim):
    """The fixture register (60 schools) imported as a world file."""
    out = tmp_path_factory.mktemp("world") / "world.h5"
    schoolsim("world", "import", WORLDS / "fixture_register.csv", "-o", out, "--max-bad-share", "0.05",
              "--attainment", WORLDS / "fixture_ks2.csv", "--attainment", WORLDS / "fixture_ks4.csv", check=True)
    return out


@pytest.fixture
def world_sweep(tmp_path, register_world):
    """A 150-run sweep over a copy of the register world: (sweep file, world file)."""
    world = tmp_path / "world.h5"
    shutil.copyfile(register_world, world)
    (tmp_path / "base.yaml").write_text(
        f"name: register\nextends: {REPO / 'scenarios' / 'la_brokered.yaml'}\n"
        "world: {file: world.h5}\nrun: {terms: 30}\n")
    spec = tmp_path / "sweep.yaml"
    spec.write_text("base: base.yaml\nparameters:\n  brokering.slots_per_term: {values: [1, 2, 3]}\n"
                    "design: {type: grid}\nreplicates: 50\nseed: 7\n")
    return spec, world


# ----------------------------------------------------------------------------- item 1


@pytest.mark.parametrize("variable, change", [
    ("school_pupils", lambda v: v - 51),            # one school's roll, as a re-import would change it
    ("school_initial_grade", lambda v: 5 - v if v > 0 else 2),
    ("school_initial_attainment", lambda v: 0.5),
    ("school_urn", lambda v: v + 1000000),
])
def test_resume_on_a_changed_world_file_is_refused_naming_the_variable(world_sweep, tmp_path, schoolsim,
                                                                       variable, change):
    spec, world = world_sweep
    out = tmp_path / "sweep.h5"
    interrupted_sweep(spec, out)
    with h5py.File(world, "r+") as f:
        values = f[variable][:]
        school = int(values.argmax()) if variable == "school_pupils" else 0
        values[school] = change(values[school])
        f[variable][:] = values
    before = journal_path(out).read_bytes()
    result = schoolsim("sweep", spec, "-o", out, "--resume")
    assert result.returncode == 2, result.stderr
    assert f"world file {world} changed since the sweep started: {variable} differs" in result.stderr, result.stderr
    assert not out.exists()
    assert journal_path(out).read_bytes() == before  # nothing run, nothing mixed


def test_resume_on_the_same_world_file_continues(world_sweep, tmp_path, schoolsim):
    spec, world = world_sweep
    out = tmp_path / "sweep.h5"
    interrupted_sweep(spec, out)
    saved = len(journal_frames(out))
    result = schoolsim("sweep", spec, "-o", out, "--resume")
    assert result.returncode == 0, result.stderr
    assert f"{saved} reused" in result.stderr, result.stderr


# ----------------------------------------------------------------------------- item 2


def test_force_never_breaks_the_lock_of_a_running_sweep(tmp_path, schoolsim):
    out = tmp_path / "shared.h5"
    first = start("sweep", GRID_SPEC, "-o", out, "--threads", "1", "-q")
    try:
        wait_for_records(first, out, 1)
        first.send_signal(signal.SIGSTOP)  # holds its lock, and cannot finish meanwhile
        saved = journal_path(out).read_bytes()
        second = schoolsim("sweep", GRID_SPEC, "-o", out, "--force", "--set", "brokering.max_give=3")
        assert second.returncode == 2, second.stderr
        assert f"a running schoolsim sweep (pid {first.pid} on host " in second.stderr, second.stderr
        assert "--force only replaces a finished or interrupted sweep" in second.stderr, second.stderr
        assert journal_path(out).read_bytes() == saved
    finally:
        first.send_signal(signal.SIGCONT)
    _, stderr = first.communicate(timeout=TIMEOUT_SECONDS)
    assert first.returncode == 0, stderr
    assert out.exists() and not journal_path(out).parent.exists()
    # A finished sweep's file is what --force replaces.
    schoolsim("sweep", GRID_SPEC, "-o", out, "--force", "-q", "--set", "run.terms=2", check=True)
    with h5py.File(out, "r") as f:
        assert f["term"].shape == (3,)


# ----------------------------------------------------------------------------- item 6


@pytest.fixture
def run_inputs(tmp_path, register_world):
    """A scenario extending another one, on a world file: (scenario, extended, world)."""
    world = tmp_path / "world.h5"
    shutil.copyfile(register_world, world)
    extended = tmp_path / "parent.yaml"
    extended.write_text(f"extends: {REPO / 'scenarios' / 'baseline.yaml'}\nrun: {{terms: 2}}\n")
    scenario = tmp_path / "child.yaml"
    scenario.write_text("name: child\nextends: parent.yaml\nworld: {file: world.h5}\n")
    return scenario, extended, world


@pytest.mark.parametrize("which, role", [(0, "the scenario"), (1, "a scenario it extends"), (2, "the world file")])
def test_run_never_writes_over_an_input(run_inputs, schoolsim, which, role):
    target = run_inputs[which]
    before = target.read_bytes()
    result = schoolsim("run", run_inputs[0], "-o", target, "--force")
    assert result.returncode == 2, result.stderr
    assert f"{target}: is {role} ({target}), an input of this command" in result.stderr, result.stderr
    assert target.read_bytes() == before
    # The same file under another name (a link) is seen through.
    link = target.parent / ("link-" + target.name)
    link.symlink_to(target.name)
    result = schoolsim("run", run_inputs[0], "-o", link, "--force")
    assert result.returncode == 2 and "an input of this command" in result.stderr, result.stderr
    assert target.read_bytes() == before


@pytest.mark.parametrize("which", ["sweep file", "base scenario", "world file"])
def test_sweep_never_writes_over_an_input(world_sweep, schoolsim, which):
    spec, world = world_sweep
    target = {"sweep file": spec, "base scenario": spec.parent / "base.yaml", "world file": world}[which]
    before = target.read_bytes()
    result = schoolsim("sweep", spec, "-o", target, "--force")
    assert result.returncode == 2, result.stderr
    assert f"{target}: is the {which}" in result.stderr and "an input of this command" in result.stderr, result.stderr
    assert target.read_bytes() == before
    assert not (target.parent / (target.name + ".parts")).exists()


# ----------------------------------------------------------------------------- item 9


def test_dry_run_refuses_a_grid_too_large_for_memory(tmp_path):
    spec = tmp_path / "huge.yaml"
    spec.write_text(f"base: {REPO / 'scenarios' / 'la_brokered.yaml'}\n"
                    "parameters:\n"
                    "  brokering.w_gap: {min: 0, max: 2}\n"
                    "  brokering.broker_radius_km: {min: 1, max: 100}\n"
                    "  brokering.w_trust: {min: 0, max: 2}\n"
                    "design: {type: grid, levels: 1000}\n")
    # stdout to /dev/null: without the check it would be 10^9 lines.
    result = subprocess.run([str(schoolsim_binary()), "sweep", spec, "--dry-run", "--memory-limit", "8G"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=TIMEOUT_SECONDS)
    assert result.returncode == 2, result.stderr
    assert re.search(r"this sweep would need about [0-9.]+ [GT]B: .*sweep bookkeeping", result.stderr), result.stderr
    assert "but 8.6 GB are available (--memory-limit)" in result.stderr, result.stderr


def test_dry_run_prints_the_estimate(schoolsim):
    result = schoolsim("sweep", GRID_SPEC, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert re.search(r"schoolsim: memory estimate: [0-9.]+ [kMG]B", result.stderr), result.stderr
    assert len(result.stdout.splitlines()) == 1 + 36


# ----------------------------------------------------------------------------- item 13


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_runs_write_leaves_no_temporary_file(tmp_path, signum):
    out = tmp_path / "big.h5"
    # Per-school output of 10,000 schools x 60 terms: the write takes about 1.4 s (of 4.7 s)
    # on one thread, so a signal sent when the temporary file appears lands in it.
    process = start("run", REPO / "scenarios" / "baseline.yaml", "-o", out, "--threads", "1", "-q",
                    "--set", "world.n_primary=8000", "--set", "world.n_secondary=2000",
                    "--set", "run.terms=60", "--set", "output.per_school=true",
                    "--set", "output.per_school_limit=100000000")
    deadline = time.monotonic() + 600
    while not list(tmp_path.glob("big.h5.tmp-*")):
        if process.poll() is not None:
            pytest.fail(f"the run ended before writing: {process.communicate()[1]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("no temporary file after 600 s")
        time.sleep(POLL_SECONDS)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    assert process.returncode == 130, stderr
    assert "run interrupted" in stderr and f"{out} was not written" in stderr, stderr
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- item 14


def test_set_on_a_swept_parameter_is_an_input_error(schoolsim, tmp_path):
    result = schoolsim("sweep", GRID_SPEC, "--dry-run", "--set", "brokering.slots_per_term=2")
    assert result.returncode == 2, result.stderr
    assert "--set brokering.slots_per_term=2: sets a parameter the sweep varies " \
           "(parameters.brokering.slots_per_term in " in result.stderr, result.stderr
    assert result.stdout == ""
    spec = tmp_path / "spec.yaml"
    base = REPO / "scenarios" / "la_brokered.yaml"
    spec.write_text(GRID_SPEC.read_text().replace("base: ../la_brokered.yaml", f"base: {base}")
                    .replace("  run.terms: 6\n", "  run.terms: 6\n  brokering: {broker_radius_km: 7}\n"))
    result = schoolsim("sweep", spec, "--dry-run")
    assert result.returncode == 2, result.stderr
    assert re.search(r"spec\.yaml:\d+:\d+: set\.brokering\.broker_radius_km: sets a parameter the sweep varies "
                     r"\(parameters\.brokering\.broker_radius_km\)", result.stderr), result.stderr
    # A parameter the design does not vary can still be set.
    assert schoolsim("sweep", GRID_SPEC, "--dry-run", "--set", "brokering.max_give=3").returncode == 0


# ----------------------------------------------------------------------------- item 17


@pytest.mark.parametrize("kind", ["symlink to /dev/zero", "fifo", "folder"])
def test_a_journal_that_is_not_a_regular_file_is_refused_up_front(tmp_path, schoolsim, kind):
    out = tmp_path / "sweep.h5"
    interrupted_sweep(GRID_SPEC, out)
    journal = journal_path(out)
    journal.unlink()
    if kind == "symlink to /dev/zero":
        journal.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(journal)
    else:
        journal.mkdir()
    result = schoolsim("sweep", GRID_SPEC, "-o", out, "--resume", timeout=TIMEOUT_SECONDS)
    assert result.returncode == 2, result.stderr
    assert f"{journal}: is " in result.stderr and "not a regular file" in result.stderr, result.stderr
    assert "use --force to discard it and start over" in result.stderr
    assert not out.exists()
    # --force discards the damaged folder and starts over.
    schoolsim("sweep", GRID_SPEC, "-o", out, "--force", "-q", "--set", "run.terms=2", check=True)
    assert out.exists() and not journal.parent.exists()
