"""Resuming `schoolsim sweep`: a sweep killed at any moment (SIGKILL, SIGINT) and restarted
with --resume ends with exactly the data of an uninterrupted sweep."""

import re
import signal
import subprocess
import time

import pytest

from engine_support import schoolsim_binary
from sweep_support import GRID_RUNS, GRID_SPEC, assert_same_sweep, journal_frames, journal_path

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
    command = [str(schoolsim_binary()), "sweep", str(GRID_SPEC), "-o", str(out), "--threads", "1", "-q"]
    return subprocess.Popen([*command, *map(str, extra)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_records(process, out, count):
    """Waits until the journal holds `count` runs; False if the sweep finished first."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if len(journal_frames(out)) >= count:
            return True
        if process.poll() is not None:
            return False
        time.sleep(POLL_SECONDS)
    process.kill()
    raise AssertionError(f"no {count} runs after {TIMEOUT_SECONDS} s")


def resume(schoolsim, out, *extra):
    result = schoolsim("sweep", GRID_SPEC, "-o", out, "--resume", *extra)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("kill_after", [1, 9, 23, GRID_RUNS])
def test_sigkill_then_resume_gives_the_uninterrupted_data(reference, tmp_path, schoolsim, kill_after):
    out = tmp_path / "killed.h5"
    process = start_sweep(out)
    wait_for_records(process, out, kill_after)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=TIMEOUT_SECONDS)
    saved = len(journal_frames(out))
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
    if not wait_for_records(process, out, 5):
        pytest.fail("the sweep finished before it could be interrupted")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    assert process.returncode == 130, stderr
    assert "sweep interrupted" in stderr and "--resume" in stderr, stderr
    assert not out.exists()
    saved = len(journal_frames(out))
    assert 5 <= saved < GRID_RUNS
    resume(schoolsim, out)
    assert_same_sweep(reference, out)


def test_parts_of_another_sweep_are_refused_and_force_starts_over(reference, tmp_path, schoolsim):
    out = tmp_path / "changed.h5"
    process = start_sweep(out)
    wait_for_records(process, out, 3)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=TIMEOUT_SECONDS)
    if out.exists():
        pytest.fail("the sweep finished before it could be killed")
    changed = schoolsim("sweep", GRID_SPEC, "-o", out, "--resume", "--set", "brokering.max_give=3")
    assert changed.returncode == 2
    assert "holds runs of a different sweep" in changed.stderr
    schoolsim("sweep", GRID_SPEC, "-o", out, "--force", "-q", check=True)
    assert_same_sweep(reference, out)


def test_corrupt_and_torn_records_are_redone(reference, tmp_path, schoolsim):
    out = tmp_path / "corrupt.h5"
    process = start_sweep(out)
    wait_for_records(process, out, 6)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=TIMEOUT_SECONDS)
    if out.exists():
        pytest.fail("the sweep finished before it could be killed")
    frames = journal_frames(out)
    data = bytearray(journal_path(out).read_bytes())
    at, length = frames[2]
    data[at + 8 + length // 2] ^= 0xFF                       # corrupt the third record
    last, last_length = frames[-1]
    journal_path(out).write_bytes(bytes(data[: last + 8 + last_length // 2]))  # tear the last one
    result = resume(schoolsim, out)
    assert "checksum mismatch" in result.stderr and "torn record" in result.stderr, result.stderr
    reused = re.search(r"(\d+) reused", result.stderr)
    assert reused and int(reused.group(1)) == len(frames) - 2, result.stderr
    assert_same_sweep(reference, out)
