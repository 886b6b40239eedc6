"""Finds the schoolsim engine binary for the Python test suites (tests/python and analysis/tests).

The binary is ``$SCHOOLSIM_BIN`` when set, else ``build/ci/schoolsim``, else
``build/release/schoolsim`` (relative to the repository root). analysis/tests imports this
module too (its conftest puts this folder on ``sys.path``).
"""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CANDIDATES = (REPO / "build" / "ci" / "schoolsim", REPO / "build" / "release" / "schoolsim")
HOW_TO_BUILD = ("build it with `cmake --preset ci && cmake --build --preset ci` (build/ci/schoolsim) "
                "or the release preset (build/release/schoolsim), or set SCHOOLSIM_BIN to a built binary")


def binary_path():
    """The binary to use: $SCHOOLSIM_BIN if set, else the first build that exists.

    Returns a path even when nothing is built ($SCHOOLSIM_BIN or build/ci/schoolsim), so that
    callers can name it in their own message; :func:`schoolsim_binary` checks it.
    """
    if os.environ.get("SCHOOLSIM_BIN"):
        return Path(os.environ["SCHOOLSIM_BIN"])
    return next((path for path in CANDIDATES if path.is_file()), CANDIDATES[0])


def schoolsim_binary():
    """The engine binary as an executable file, or a pytest failure naming what to build."""
    import pytest

    path = binary_path()
    if not (path.is_file() and os.access(path, os.X_OK)):
        where = "$SCHOOLSIM_BIN" if os.environ.get("SCHOOLSIM_BIN") else " or ".join(map(str, CANDIDATES))
        pytest.fail(f"schoolsim binary not found at {where} ({path} is not an executable file): {HOW_TO_BUILD}",
                    pytrace=False)
    return path


def scaled_timeout(seconds):
    """`seconds` times $SCHOOLSIM_TEST_TIMEOUT_SCALE (default 1).

    The command-line tests guard against hangs with timeouts sized for an optimised build;
    scripts/sanitizers.sh runs them against sanitized binaries, which are 5 to 15 times slower,
    and sets the scale so that a timeout still means a hang, not a slow build.
    """
    return seconds * float(os.environ.get("SCHOOLSIM_TEST_TIMEOUT_SCALE", "1"))
