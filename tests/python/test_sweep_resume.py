"""Resuming `schoolsim sweep`: a sweep killed at any moment (SIGKILL, SIGINT) and restarted
with --resume ends with exactly the data of an uninterrupted sweep."""

import re
import signal
import subprocess
import time

import pytest

from engine_support import schoolsim_binary
from sweep_support import GRID_RUNS, GRID_SPEC, assert_same_sweep

POLL_SECONDS = 0.002
TIMEOUT_SECONDS = 60


@pytest.fixture(scope="module")
def reference(tmp_path_factory, schoolsim):
    """The example sweep, uninterrupted."""
    out = tmp_path_factory.mktemp("reference") / "reference.h5"
    schoolsim("sweep", GRID_SPEC, "-o", out, "-q", check=True)
    return out


def start_sweep(out, *extra):
    """Starts the example sweep on one thread (slowest, so kill points fall mid-sweep)."""
    return subprocess.Popen([str(schoolsim_binary()), "sweep", str(GRID_SPEC), "-o", str(out), "--threads", "1",
                             "-q", *map(str, extra)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def parts_of(out):
    folder = out.parent / (out.name + ".parts")
    return sorted(folder.glob("run-*.part")) if folder.is_dir() else []


def wait_for_parts(process, out, count):
    """Waits until `count` part files exist; False if the sweep finished first."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if len(parts_of(out)) >= count:
            return True
        if process.poll() is not None:
            return False
        time.sleep(POLL_SECONDS)
    process.kill()
    raise AssertionError(f"no {count} parts after {TIMEOUT_SECONDS} s")


def resume(schoolsim, out, *extra):
    result = schoolsim("sweep", GRID_SPEC, "-o", out, "--resume", *extra)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("kill_after", [1, 9, 23, GRID_RUNS])
def test_sigkill_then_resume_gives_the_uninterrupted_data(reference, tmp_path, schoolsim, kill_after):
    out = tmp_path / "killed.h5"
    process = start_sweep(out)
    wait_for_parts(process, out, kill_after)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=TIMEOUT_SECONDS)
    saved = len(parts_of(out))
    if process.returncode == 0:  # finished before the kill landed (last kill point)
        assert out.exists()
    else:
        assert process.returncode == -signal.SIGKILL
        assert not out.exists()
        # Without --resume the interrupted sweep is not silently overwritten.
        again = schoolsim("sweep", GRID_SPEC, "-o", out)
        assert again.returncode == 2
        assert "use --resume to continue it or --force to start over" in again.stderr
    result = resume(schoolsim, out)
    if process.returncode != 0 and saved < GRID_RUNS:
        reused = re.search(r"(\d+) reused", result.stderr)
        assert reused and int(reused.group(1)) == saved, result.stderr
    assert not (tmp_path / "killed.h5.parts").exists()
    assert_same_sweep(reference, out)
    # Resuming a complete sweep is a no-op.
    assert "already complete" in resume(schoolsim, out).stderr


def test_sigint_stops_cleanly_with_status_130(reference, tmp_path, schoolsim):
    out = tmp_path / "interrupted.h5"
    process = start_sweep(out)
    if not wait_for_parts(process, out, 5):
        pytest.fail("the sweep finished before it could be interrupted")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    assert process.returncode == 130, stderr
    assert "sweep interrupted" in stderr and "--resume" in stderr, stderr
    assert not out.exists()
    assert not list((tmp_path / "interrupted.h5.parts").glob("*.tmp"))
    saved = len(parts_of(out))
    assert 5 <= saved < GRID_RUNS
    resume(schoolsim, out)
    assert_same_sweep(reference, out)


def test_parts_of_another_sweep_are_refused_and_force_starts_over(reference, tmp_path, schoolsim):
    out = tmp_path / "changed.h5"
    process = start_sweep(out)
    wait_for_parts(process, out, 3)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=TIMEOUT_SECONDS)
    if out.exists():
        pytest.fail("the sweep finished before it could be killed")
    changed = schoolsim("sweep", GRID_SPEC, "-o", out, "--resume", "--set", "brokering.max_give=3")
    assert changed.returncode == 2
    assert "holds runs of a different sweep" in changed.stderr
    schoolsim("sweep", GRID_SPEC, "-o", out, "--force", "-q", check=True)
    assert_same_sweep(reference, out)


def test_a_corrupted_part_is_redone(reference, tmp_path, schoolsim):
    out = tmp_path / "corrupt.h5"
    process = start_sweep(out)
    wait_for_parts(process, out, 6)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=TIMEOUT_SECONDS)
    if out.exists():
        pytest.fail("the sweep finished before it could be killed")
    parts = parts_of(out)
    data = bytearray(parts[2].read_bytes())
    data[len(data) // 2] ^= 0xFF
    parts[2].write_bytes(bytes(data))
    parts[4].write_bytes(parts[4].read_bytes()[:100])  # torn
    result = resume(schoolsim, out)
    assert "checksum mismatch" in result.stderr and "truncated" in result.stderr, result.stderr
    assert_same_sweep(reference, out)
