"""Bad input on every input path gives a clear error, exit status 2, no output, no crash, no hang.

Input paths: scenario YAML (`run`, `validate`), `--set`, sweep specs (`sweep`), world files
(`world: {file: ...}`, `capacity`, `world info`), the school register (`world import`),
command-line flags and output paths. For each: malformed, truncated, wrong type, out of
range, empty, huge (a 50 MB file, 1e308, a 10^7-element list) and binary input. Every
command runs under a timeout, so a hang fails the test instead of the CI job.
See docs/hardening.md.
"""

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import h5py
import numpy as np
import pytest

from engine_binary import binary_path, scaled_timeout
from engine_support import REPO

BIN = binary_path()
SCENARIOS = REPO / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"
REGISTER = SCENARIOS / "worlds" / "fixture_register.csv"
TINY = ["--set", "world.n_primary=40", "--set", "world.n_secondary=10", "--set", "world.n_las=2",
        "--set", "run.terms=2"]
MB = 1 << 20
TIMEOUT = 60  # seconds: every refusal here takes well under one


def run(*args, timeout=TIMEOUT):
    """Runs schoolsim; stderr as text (binary file names and bytes replaced)."""
    if not BIN.is_file():
        pytest.fail(f"schoolsim binary not found at {BIN}: build it or set SCHOOLSIM_BIN")
    result = subprocess.run([str(BIN), *map(str, args)], capture_output=True, timeout=scaled_timeout(timeout))
    result.stderr = result.stderr.decode("utf-8", "replace")
    result.stdout = result.stdout.decode("utf-8", "replace")
    return result


def leftovers(folder, keep=()):
    """Files in `folder` other than `keep` (outputs or temporary files a failure left behind)."""
    return sorted(p.name for p in Path(folder).iterdir() if p.name not in set(map(str, keep)))


def refused(result, *expected, out=None, inputs=(), status=2):
    """Asserts exit `status` (2 input, 1 damage), every expected text in stderr, no output or temporary file."""
    assert result.returncode == status, f"status {result.returncode}, stderr:\n{result.stderr[-3000:]}"
    for text in expected:
        assert str(text) in result.stderr, f"{text!r} not in stderr:\n{result.stderr[-3000:]}"
    assert "error: std::" not in result.stderr and "terminate called" not in result.stderr
    if out is not None:
        out = Path(out)
        assert not out.exists(), f"{out} was written"
        if out.parent.is_dir():
            assert leftovers(out.parent, [p.name for p in inputs]) == [], "files left behind"


def write(path, content):
    path = Path(path)
    if isinstance(content, str):
        path.write_text(content)
    else:
        path.write_bytes(content)
    return path


def huge_yaml(path, size=50 * MB):
    """A syntactically valid YAML mapping of `size` bytes (unknown keys)."""
    line = b"an_unknown_key_%08d: 1\n"
    with open(path, "wb") as f:
        for k in range(size // len(line % 0) + 1):
            f.write(line % k)
    return path


# ----------------------------------------------------------------------------- scenarios

SCENARIO_CASES = {
    "malformed": ("name: x\nbrokering: {enabled: true\nrun: [", ["malformed YAML"]),
    "truncated": ("brokering:\n  enabled: true\n  strategy: gree", ["brokering.strategy", "got 'gree'"]),
    "wrong_type": ("run:\n  terms: [1, 2]\n", [":2:10: run.terms: expected an integer, got a list"]),
    "wrong_type_map": ("brokering: 5\n", ["brokering: expected a mapping"]),
    "out_of_range": ("run:\n  terms: -3\n", ["run.terms: value -3 is out of range"]),
    "real_1e308": ("brokering:\n  broker_radius_km: 1e308\n", ["broker_radius_km: value 1e308 is out of range"]),
    "real_inf": ("brokering:\n  broker_radius_km: 1e309\n", ["broker_radius_km: expected a real number, got '1e309'"]),
    "real_nan": ("brokering:\n  broker_radius_km: .nan\n", ["broker_radius_km: value .nan is out of range"]),
    "integer_1e308": ("run:\n  terms: 1e308\n", ["run.terms: expected an integer, got '1e308'"]),
    "integer_overflow": ("run:\n  seed: 123456789012345678901234567890\n",
                         ["run.seed: value 123456789012345678901234567890 is out of range"]),
    "long_list": ("inspection:\n  grade_shares: [" + "0.25, " * 1_000_000 + "0.25]\n",
                  ["inspection.grade_shares: expected a list of 4 reals, got a list"]),
    "binary": (bytes(range(256)) * 64, ["not a YAML text file (binary data)"]),
    "latin1": ("name: caf\xe9\nrun: {terms: x}\n".encode("latin-1"), ["run.terms: expected an integer"]),
    "not_a_mapping": ("- just\n- a list\n", ["expected a mapping of keys to values, got a list"]),
    "deep": ("brokering: " + "[" * 5000 + "]" * 5000 + "\n", ["scenario.yaml"]),
    "alias_bomb": ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + k)}: &{chr(98 + k)} [{', '.join(['*' + chr(97 + k)] * 10)}]\n" for k in range(8))
        + "programmes: *i\n", ["programmes[0]: expected a mapping"]),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_CASES))
@pytest.mark.parametrize("command", ["run", "validate"])
def test_bad_scenarios_are_refused(tmp_path, case, command):
    content, expected = SCENARIO_CASES[case]
    scenario = write(tmp_path / "scenario.yaml", content)
    out = tmp_path / "out.h5"
    args = ["run", scenario, "-o", out] if command == "run" else ["validate", scenario]
    refused(run(*args), "scenario.yaml", *expected, out=out, inputs=[scenario])


def test_empty_scenario_is_refused_and_braces_mean_all_defaults(tmp_path):
    # An empty file is more often a failed save than a wish for every default (issue 14).
    refused(run("validate", write(tmp_path / "empty.yaml", "")), "empty.yaml: the file is empty", "write {}")
    result = run("validate", write(tmp_path / "defaults.yaml", "{}\n"))
    assert result.returncode == 0, result.stderr
    assert "n_primary:" in result.stdout


def test_huge_scenario_is_refused_up_front(tmp_path):
    scenario = huge_yaml(tmp_path / "scenario.yaml")
    out = tmp_path / "out.h5"
    result = run("run", scenario, "-o", out, timeout=20)
    refused(result, "scenario.yaml", "too large", out=out, inputs=[scenario])


def test_many_unknown_keys_are_listed_briefly(tmp_path):
    # Under the size limit but with 200,000 problems: the message stays short and fast.
    scenario = huge_yaml(tmp_path / "scenario.yaml", size=5 * MB)
    result = run("validate", scenario, timeout=30)
    refused(result, "scenario.yaml:1:1: an_unknown_key_00000000: unknown key", "more problems")
    assert len(result.stderr) < 20_000


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "folder", "fifo", "missing"])
def test_scenario_path_that_is_not_a_file(tmp_path, special):
    path = Path(special)
    if special == "folder":
        path = tmp_path / "folder.yaml"
        path.mkdir()
    elif special == "missing":
        path = tmp_path / "missing.yaml"
    elif special == "fifo":
        path = tmp_path / "fifo.yaml"
        os.mkfifo(path)
        # A writer that never stops: the reader must give up at the size limit, not hang.
        writer = subprocess.Popen(["sh", "-c", f"yes 'a: 1' > {path}"])
    try:
        out = tmp_path / "out.h5"
        result = run("run", path, "-o", out, timeout=30)
    finally:
        if special == "fifo":
            writer.kill()
            writer.wait()
    if special == "/dev/null":  # reads as an empty file: all defaults; the world is built, run
        assert result.returncode in (0, 2)
        return
    refused(result, path.name, out=out, inputs=[path])


def test_extends_cycle_is_refused(tmp_path):
    write(tmp_path / "a.yaml", "extends: b.yaml\n")
    write(tmp_path / "b.yaml", "extends: a.yaml\n")
    refused(run("validate", tmp_path / "a.yaml"), ".yaml", "'extends' chain deeper than 16 files")


# ----------------------------------------------------------------------------- --set

SET_CASES = {
    "no_equals": ("brokering.enabled", ["expected KEY.PATH=VALUE"]),
    "empty_key": ("=3", ["expected KEY.PATH=VALUE"]),
    "empty_name": ("brokering..enabled=true", ["empty name in key"]),
    "unknown": ("brokering.slots=3", ["brokering.slots: unknown key (did you mean"]),
    "malformed_value": ("brokering.las=[0, 1", ["malformed YAML"]),
    "wrong_type": ("run.terms=ten", ["run.terms: expected an integer, got 'ten'"]),
    "out_of_range": ("brokering.slots_per_term=-1", ["brokering.slots_per_term: value -1 is out of range"]),
    "real_1e308": ("brokering.broker_radius_km=1e308", ["value 1e308 is out of range"]),
    "integer_1e308": ("run.terms=1e308", ["run.terms: expected an integer"]),
    "group_value": ("brokering=3", ["brokering: expected a mapping"]),
    "long_value": ("name=[" + "x" * 100_000, ["malformed YAML"]),
    "binary_value": ("name=\x01\x02\x7f", ["--set"]),
}


@pytest.mark.parametrize("case", sorted(SET_CASES))
def test_bad_set_overrides_are_refused(tmp_path, case):
    assignment, expected = SET_CASES[case]
    out = tmp_path / "out.h5"
    result = run("run", BASELINE, "-o", out, "--set", assignment)
    if case == "binary_value":  # control characters are plain YAML text for a name: accepted
        assert result.returncode in (0, 2)
        if out.exists():
            out.unlink()
        return
    refused(result, "--set", *expected, out=out)


# ----------------------------------------------------------------------------- sweeps

SWEEP_HEAD = f"base: {BASELINE}\n"
SWEEP_CASES = {
    "malformed": (SWEEP_HEAD + "design: {type: grid\nreplicates: [", ["malformed YAML"]),
    "truncated": (SWEEP_HEAD + "parameters:\n  brokering.slots_per_term: {min: 1, max:", ["malformed YAML"]),
    "wrong_type": (SWEEP_HEAD + "design: grid\nreplicates: many\n", ["replicates: expected an integer, got 'many'"]),
    "out_of_range": (SWEEP_HEAD + "design: grid\nreplicates: 0\n", ["replicates: value 0 is out of range"]),
    "value_1e308": (SWEEP_HEAD + "design: grid\nparameters:\n  brokering.broker_radius_km: {min: 1, max: 1e308}\n",
                    ["max: value 1e308 is out of range"]),
    "replicates_1e308": (SWEEP_HEAD + "design: grid\nreplicates: 1e308\n", ["replicates: expected an integer"]),
    "empty": ("", ["expected a mapping with base"]),
    "binary": (b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 16, ["not a YAML text file (binary data)"]),
    "not_a_mapping": ("[1, 2, 3]\n", ["expected a mapping with base"]),
    "missing_base": ("base: nowhere.yaml\ndesign: grid\n", ["scenario file 'nowhere.yaml' not found"]),
    "index_overflow": (SWEEP_HEAD + "parameters:\n  programmes[99999999999999999999].budget: {values: [1, 2]}\n"
                       "design: grid\n", ["does not exist"]),
    "long_list": (SWEEP_HEAD + "design: grid\nparameters:\n  brokering.broker_radius_km: {values: ["
                  + ", ".join(["5"] * 500_000) + "]}\n", ["is listed twice", "more problems"]),
}


@pytest.mark.parametrize("case", sorted(SWEEP_CASES))
def test_bad_sweeps_are_refused(tmp_path, case):
    content, expected = SWEEP_CASES[case]
    spec = write(tmp_path / "sweep.yaml", content)
    out = tmp_path / "out.h5"
    refused(run("sweep", spec, "-o", out), "sweep.yaml", *expected, out=out, inputs=[spec])


def test_huge_sweep_is_refused_up_front(tmp_path):
    spec = huge_yaml(tmp_path / "sweep.yaml")
    out = tmp_path / "out.h5"
    refused(run("sweep", spec, "-o", out, timeout=20), "sweep.yaml", "too large", out=out, inputs=[spec])


def test_ten_million_element_list_is_refused(tmp_path):
    # 10^7 values: 30 MB of YAML, refused by size before it is parsed.
    spec = tmp_path / "sweep.yaml"
    with open(spec, "w") as f:
        f.write(SWEEP_HEAD + "design: grid\nparameters:\n  brokering.broker_radius_km: {values: [")
        f.write("1, " * 10_000_000)
        f.write("2]}\n")
    out = tmp_path / "out.h5"
    refused(run("sweep", spec, "-o", out, timeout=20), "sweep.yaml", "too large", out=out, inputs=[spec])


# ----------------------------------------------------------------------------- world files


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The fixture register imported as a world file."""
    path = tmp_path_factory.mktemp("world") / "world.h5"
    result = run("world", "import", REGISTER, "-o", path, "--max-bad-share", "0.05", "-q")
    assert result.returncode == 0, result.stderr
    return path


def broken_world(tmp_path, world, edit):
    """A copy of the world file changed by `edit(h5py.File)`."""
    path = tmp_path / "world.h5"
    shutil.copy(world, path)
    with h5py.File(path, "r+") as f:
        edit(f)
    return path


def set_values(name, value):
    def edit(f):
        data = f[name][...]
        data[0] = value
        f[name][...] = data
    return edit


def remove(name):
    def edit(f):
        del f[name]
    return edit


def corrupt_data(world_path, name):
    """Flips bytes inside the stored (compressed, checksummed) data of one variable."""
    with h5py.File(world_path, "r") as f:
        ds = f[name]
        offset = ds.id.get_offset()
        if offset is None:  # chunked: the first chunk's address
            info = ds.id.get_chunk_info(0)
            offset, size = info.byte_offset, info.size
        else:
            size = ds.id.get_storage_size()
    with open(world_path, "r+b") as f:
        f.seek(offset + size // 2)
        byte = f.read(1)
        f.seek(offset + size // 2)
        f.write(bytes([byte[0] ^ 0xFF]))


WORLD_CASES = {
    "phase_out_of_range": (set_values("school_phase", 7), "school_phase must be 0 or 1"),
    "places_negative": (set_values("school_places", -5.0), "school_places not positive"),
    "x_1e308": (set_values("school_x", 1e308), "school_x/school_y"),
    "x_nan": (set_values("school_x", np.nan), "school_x/school_y not finite"),
    "pupils_1e308": (set_values("school_pupils", 1e308), "school_pupils"),
    "places_1e308": (set_values("school_places", 1e308), "school_places"),
    "la_out_of_range": (set_values("school_la", 10**9), "school_la out of range"),
    "missing_variable": (remove("school_pupils"), "school_pupils"),
    "not_a_world": (lambda f: f.attrs.__setitem__("schoolsim_file", "run"), "not a schoolsim world file"),
}


@pytest.mark.parametrize("case", sorted(WORLD_CASES))
def test_bad_world_files_are_refused(tmp_path, world, case):
    edit, expected = WORLD_CASES[case]
    path = broken_world(tmp_path, world, edit)
    scenario = write(tmp_path / "scenario.yaml", "world: {file: world.h5}\nrun: {terms: 2}\n")
    out = tmp_path / "out.h5"
    refused(run("run", scenario, "-o", out), "world.h5", expected, out=out, inputs=[path, scenario])
    refused(run("capacity", path, "-o", out), "world.h5", expected, out=out, inputs=[path, scenario])


def test_corrupted_world_data_is_refused(tmp_path, world):
    path = tmp_path / "world.h5"
    shutil.copy(world, path)
    corrupt_data(path, "school_x")
    scenario = write(tmp_path / "scenario.yaml", "world: {file: world.h5}\nrun: {terms: 2}\n")
    out = tmp_path / "out.h5"
    # Damage, not an input error: exit 1 (issue 14; docs/hardening.md "Damaged HDF5 files").
    refused(run("run", scenario, "-o", out), "damaged: ", "world.h5", "school_x", out=out, inputs=[path, scenario],
            status=1)


@pytest.mark.parametrize("kind", ["empty", "truncated", "text", "binary", "huge_sparse"])
def test_unreadable_world_files_are_refused(tmp_path, world, kind):
    path = tmp_path / "world.h5"
    data = world.read_bytes()
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "text":
        path.write_text("URN,LA (code)\n1,2\n")
    elif kind == "binary":
        path.write_bytes(data[:8] + bytes(range(256)) * 64)
    else:  # a 50 MB file: the HDF5 signature, then zeros
        with open(path, "wb") as f:
            f.write(data[:8])
            f.truncate(50 * MB)
    scenario = write(tmp_path / "scenario.yaml", "world: {file: world.h5}\n")
    out = tmp_path / "out.h5"
    # An HDF5 signature that does not open is damage (exit 1); no signature is the wrong file (2).
    status, expected = (2, "world.h5") if kind in ("empty", "text") else (1, "damaged: ")
    refused(run("run", scenario, "-o", out), "world.h5", expected, out=out, inputs=[path, scenario], status=status)
    refused(run("world", "info", path), "world.h5", expected, status=status)


# ----------------------------------------------------------------------------- register


def register_with(tmp_path, rows):
    """The fixture's header and first data rows, then `rows` (text lines)."""
    lines = REGISTER.read_bytes().split(b"\r\n")
    path = tmp_path / "register.csv"
    path.write_bytes(b"\r\n".join(lines[:2] + [r.encode("cp1252") for r in rows]) + b"\r\n")
    return path


REGISTER_CASES = {
    "empty": (b"", "is empty"),
    "blank_lines": (b"\r\n\r\n\n", "is empty"),
    "binary": (bytes(range(256)) * 256, "is binary data"),
    "zip": (b"PK\x03\x04" + bytes(200), "is a ZIP archive"),
    "hdf5": (b"\x89HDF\r\n\x1a\n" + bytes(200), "is an HDF5 file"),
    "header_only_truncated": (REGISTER.read_bytes()[:300], "missing required column"),
    "semicolons": (REGISTER.read_bytes().replace(b",", b";")[:5000], "separated by semicolons"),
    "unclosed_header_quote": (b'URN,"LA (code)\r\n1,2\r\n', "header row (line 1) is malformed"),
}


@pytest.mark.parametrize("case", sorted(REGISTER_CASES))
def test_bad_registers_are_refused(tmp_path, case):
    content, expected = REGISTER_CASES[case]
    register = write(tmp_path / "register.csv", content)
    out = tmp_path / "w.h5"
    refused(run("world", "import", register, "-o", out), "register.csv", expected, out=out, inputs=[register])


def test_register_with_only_bad_rows_is_refused(tmp_path):
    header = REGISTER.read_bytes().split(b"\r\n")[0]
    n = header.count(b",") + 1
    rows = [b",".join([b"1e308"] * n), b",".join([b"abc"] * n), b'"unclosed,' * 3, b"1,2,3"]
    register = write(tmp_path / "register.csv", b"\r\n".join([header] + rows * 5) + b"\r\n")
    out = tmp_path / "w.h5"
    refused(run("world", "import", register, "-o", out), "register.csv", "malformed", out=out, inputs=[register])


def test_huge_register_of_garbage_is_refused_quickly(tmp_path):
    register = tmp_path / "register.csv"
    with open(register, "wb") as f:
        f.write(b"a,b,c\r\n")
        row = b"1,2,3\r\n" * 10_000
        for _ in range(50 * MB // len(row)):
            f.write(row)
    out = tmp_path / "w.h5"
    refused(run("world", "import", register, "-o", out, timeout=60), "register.csv", "missing required column",
            out=out, inputs=[register])


def test_register_from_dev_zero_is_refused(tmp_path):
    out = tmp_path / "w.h5"
    refused(run("world", "import", "/dev/zero", "-o", out, timeout=60), "/dev/zero", out=out)


# ----------------------------------------------------------------------------- flags


@pytest.mark.parametrize(
    "args",
    [
        ["run", BASELINE, "-o", "{out}", "--threads", "0"],
        ["run", BASELINE, "-o", "{out}", "--threads", "-1"],
        ["run", BASELINE, "-o", "{out}", "--threads", "1e308"],
        ["run", BASELINE, "-o", "{out}", "--threads", "99999999999999999999"],
        ["run", BASELINE, "-o", "{out}", "--threads", "many"],
        ["run", BASELINE, "-o", "{out}", "--no-such-flag"],
        ["run", BASELINE],
        ["run", "-o", "{out}"],
        ["sweep", SCENARIOS / "sweeps" / "la_brokered_grid.yaml", "-o", "{out}", "--threads", "0"],
        ["sweep", SCENARIOS / "sweeps" / "la_brokered_grid.yaml", "-o", "{out}", "--resume", "--force"],
        ["world", "import", REGISTER, "-o", "{out}", "--max-bad-share", "2"],
        ["world", "import", REGISTER, "-o", "{out}", "--max-bad-share", "nan"],
        ["world", "import", REGISTER, "-o", "{out}", "--encoding", "ebcdic"],
        ["capacity", BASELINE, "-o", "{out}", "--radius-primary", "1e308"],
        ["capacity", BASELINE, "-o", "{out}", "--radius-secondary", "nan"],
        ["frobnicate"],
        [],
    ],
    ids=lambda a: " ".join(map(str, a)).replace(str(REPO) + "/", "")[:60],
)
def test_bad_flags_are_usage_errors(tmp_path, args):
    out = tmp_path / "out.h5"
    result = run(*[str(a).replace("{out}", str(out)) for a in args])
    refused(result, out=out)


# ----------------------------------------------------------------------------- output paths


def special_file(path):
    """A character device (a copy of /dev/null's, when root) or else a FIFO at `path`.

    Never the real /dev/null: a writer that replaced it would break every process on the machine.
    """
    if os.geteuid() == 0:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    else:
        os.mkfifo(path)
    return path


def is_special(path):
    mode = os.lstat(path).st_mode
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


@pytest.mark.parametrize("problem", ["missing_folder", "is_folder", "exists", "not_regular", "long_name",
                                     "folder_is_file"])
def test_bad_output_paths_are_refused_before_running(tmp_path, problem):
    out = {
        "missing_folder": tmp_path / "missing" / "out.h5",
        "is_folder": tmp_path,
        "exists": tmp_path / "out.h5",
        "not_regular": tmp_path / "device",
        "long_name": tmp_path / ("x" * 300 + ".h5"),
        "folder_is_file": tmp_path / "file" / "out.h5",
    }[problem]
    if problem == "exists":
        out.write_bytes(b"precious")
    if problem == "folder_is_file":
        (tmp_path / "file").write_bytes(b"")
    if problem == "not_regular":
        special_file(out)
    for args in (["run", BASELINE, "-o", out, *TINY],
                 ["sweep", SCENARIOS / "sweeps" / "la_brokered_grid.yaml", "-o", out],
                 ["world", "import", REGISTER, "-o", out, "--max-bad-share", "0.05"]):
        result = run(*args)
        assert result.returncode == 2, f"{args}: {result.returncode}\n{result.stderr}"
        assert out.name[:50] in result.stderr or str(out) in result.stderr, result.stderr
    if problem == "exists":
        assert out.read_bytes() == b"precious"
    if problem == "not_regular":
        assert is_special(out)
        for args in (["run", BASELINE, "-o", out, "--force", *TINY],
                     ["sweep", SCENARIOS / "sweeps" / "la_brokered_grid.yaml", "-o", out, "--force"],
                     ["world", "import", REGISTER, "-o", out, "--max-bad-share", "0.05", "--force"]):
            forced = run(*args)
            assert forced.returncode == 2, f"{args}: {forced.stderr}"
            assert "not a regular file" in forced.stderr
            assert is_special(out), f"{args} replaced a device node or pipe"


def as_nobody(command):
    """`command` run as user nobody when we are root (root ignores file permissions)."""
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv (util-linux): folder permissions would not apply")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]


@pytest.fixture
def locked_folder():
    """A folder nobody may write to (in /tmp, which every user can traverse)."""
    parent = Path(tempfile.mkdtemp(prefix="schoolsim-locked-"))
    parent.chmod(0o755)
    folder = parent / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    shutil.rmtree(parent)


@pytest.mark.parametrize("command", ["run", "sweep", "world import"])
def test_unwritable_folder_is_refused(locked_folder, command):
    out = locked_folder / "out.h5"
    args = {"run": ["run", BASELINE, "-o", out, *TINY],
            "sweep": ["sweep", SCENARIOS / "sweeps" / "la_brokered_grid.yaml", "-o", out],
            "world import": ["world", "import", REGISTER, "-o", out, "--max-bad-share", "0.05"]}[command]
    result = subprocess.run(as_nobody([str(BIN), *map(str, args)]), capture_output=True, text=True,
                            timeout=scaled_timeout(TIMEOUT))
    assert result.returncode == 2, result.stderr
    assert "not writable" in result.stderr and "locked" in result.stderr, result.stderr
    assert leftovers(locked_folder) == []


# ----------------------------------------------------------------------------- memory limits


def test_run_over_the_memory_limit_is_refused_with_an_estimate(tmp_path):
    out = tmp_path / "out.h5"
    result = run("run", BASELINE, "-o", out, "--memory-limit", "60M")
    refused(result, "this run (before building its world) would need about", "per-school output", "neighbour lists",
            "but 63 MB are available (--memory-limit)", "--set output.per_school=false", out=out)
    # The same through the environment, and for the exact check after the world is built.
    env_result = subprocess.run([str(BIN), "run", str(BASELINE), "-o", str(out)], capture_output=True, text=True,
                                timeout=scaled_timeout(TIMEOUT), env=dict(os.environ, SCHOOLSIM_MEMORY_LIMIT="120M"))
    assert env_result.returncode == 2, env_result.stderr
    assert "this run would need about" in env_result.stderr and "(SCHOOLSIM_MEMORY_LIMIT)" in env_result.stderr
    assert not out.exists()


def test_huge_synthetic_world_is_refused_before_it_is_built(tmp_path):
    out = tmp_path / "out.h5"
    result = run("run", BASELINE, "-o", out, "--set", "world.n_primary=5000000", "--set", "world.n_secondary=1000000",
                 "--memory-limit", "16G", timeout=30)
    refused(result, "before building its world", "neighbour lists", out=out)


@pytest.mark.parametrize("limit", ["4Q", "-1G", "nan", "lots"])
def test_bad_memory_limit_is_a_usage_error(tmp_path, limit):
    out = tmp_path / "out.h5"
    refused(run("run", BASELINE, "-o", out, *TINY, "--memory-limit", limit), "--memory-limit", "4G", out=out)


def test_sweep_over_the_memory_limit_suggests_sharding(tmp_path):
    spec = write(tmp_path / "sweep.yaml", SWEEP_HEAD + "parameters:\n  brokering.need_quantile: {min: 0.05, max: 0.2}\n"
                 "design: {type: lhs, n: 2000000000}\n")
    out = tmp_path / "out.h5"
    result = run("sweep", spec, "-o", out, "--memory-limit", "8G")
    refused(result, "this sweep would need about", "sweep bookkeeping", "--shard K/N", out=out, inputs=[spec])
    small = run("sweep", SCENARIOS / "sweeps" / "la_brokered_grid.yaml", "-o", out, "--memory-limit", "10M")
    refused(small, "this sweep would need about", "10 MB are available", out=out, inputs=[spec])


def test_huge_world_file_is_refused_before_it_is_read(tmp_path, world):
    # 50 million schools declared, none written: a small file whose world would need ~60 GB.
    path = tmp_path / "world.h5"
    shutil.copy(world, path)
    with h5py.File(path, "r+") as f:
        del f["school_urn"]
        f.create_dataset("school_urn", shape=(50_000_000,), dtype="i4", chunks=(1 << 20,), fletcher32=True)
    scenario = write(tmp_path / "scenario.yaml", "world: {file: world.h5}\n")
    out = tmp_path / "out.h5"
    result = run("run", scenario, "-o", out, "--memory-limit", "16G", timeout=30)
    refused(result, "before building its world", "schools (world and state) 60.0 GB", out=out, inputs=[path, scenario])
