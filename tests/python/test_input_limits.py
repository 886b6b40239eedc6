"""Bounded work for bounded input, and clear input errors (issue 14, items 7, 8, 10, 11, 12, 15, 16).

- No command waits on a non-regular file: a FIFO without a writer, a device, a folder or a
  socket named as a scenario, `extends`, sweep spec, targets file, register or world file is
  refused with "not a regular file (a FIFO)" and so on, exit 2.
- Validation refuses counts beyond the documented limits (docs/hardening.md "Limits") before
  walking the lists; inputs at the limits validate.
- The register importer counts impossible rows as malformed, refuses a truncated file, and
  builds the same world whatever the row order.
- Control characters in text values are refused at validation; each unclear message of the
  issue has a test here.

Every command runs under a timeout, so a hang fails the test rather than the CI job.
"""

import csv
import io
import os
import socket
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from engine_binary import binary_path
from engine_support import REPO

BIN = binary_path()
SCENARIOS = REPO / "scenarios"
REGISTER = SCENARIOS / "worlds" / "fixture_register.csv"
TARGETS = SCENARIOS / "targets" / "stylised_facts.yaml"
TIMEOUT = 60  # seconds; every refusal here takes well under one


def run(*args, timeout=TIMEOUT):
    if not BIN.is_file():
        pytest.fail(f"schoolsim binary not found at {BIN}: build it or set SCHOOLSIM_BIN")
    result = subprocess.run([str(BIN), *map(str, args)], capture_output=True, timeout=timeout)
    result.stderr = result.stderr.decode("utf-8", "replace")
    result.stdout = result.stdout.decode("utf-8", "replace")
    return result


def refused(result, *expected, status=2):
    assert result.returncode == status, f"status {result.returncode}, stderr:\n{result.stderr[-3000:]}"
    for text in expected:
        assert text in result.stderr, f"{text!r} not in stderr:\n{result.stderr[-3000:]}"
    assert "terminate called" not in result.stderr and "error: std::" not in result.stderr


def write(path, text):
    Path(path).write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- item 7: non-regular files


def special_file(tmp_path, kind):
    """A FIFO with no writer, a folder or a listening Unix socket at tmp_path/<kind>."""
    path = tmp_path / f"{kind}.in"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(path))
        sock.listen(1)
        special_file.sockets.append(sock)  # kept open for the test's lifetime
    return path


special_file.sockets = []
KIND_TEXT = {"fifo": "not a regular file (a FIFO)", "folder": "not a regular file (a folder)",
             "socket": "not a regular file (a socket)"}


@pytest.mark.parametrize("kind", ["fifo", "folder", "socket"])
def test_scenario_that_is_not_a_regular_file_is_refused_without_waiting(tmp_path, kind):
    path = special_file(tmp_path, kind)
    refused(run("validate", path), f"{path}: {KIND_TEXT[kind]}")
    refused(run("run", path, "-o", tmp_path / "out.h5"), f"{path}: {KIND_TEXT[kind]}")
    assert not (tmp_path / "out.h5").exists()


def test_dev_null_is_not_an_empty_scenario():
    refused(run("validate", "/dev/null"), "/dev/null: not a regular file (a character device)")


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_extends_naming_a_fifo_or_folder_is_refused(tmp_path, kind):
    special = special_file(tmp_path, kind)
    scenario = write(tmp_path / "s.yaml", f"extends: {special.name}\n")
    refused(run("validate", scenario), f"{special}: {KIND_TEXT[kind]}")


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_register_that_is_not_a_regular_file_is_refused(tmp_path, kind):
    path = special_file(tmp_path, kind)
    refused(run("world", "import", path, "-o", tmp_path / "w.h5"), f"{path}: {KIND_TEXT[kind]}")
    refused(run("world", "import", REGISTER, "--attainment", path, "-o", tmp_path / "w.h5"),
            f"{path}: {KIND_TEXT[kind]}")
    assert not (tmp_path / "w.h5").exists()


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_sweep_spec_and_targets_that_are_not_regular_files_are_refused(tmp_path, kind):
    path = special_file(tmp_path, kind)
    refused(run("sweep", path, "-o", tmp_path / "s.h5"), f"{path}: {KIND_TEXT[kind]}")
    refused(run("calibrate", "check", "--targets", path), f"{path}: {KIND_TEXT[kind]}")


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_sweep_base_that_is_not_a_regular_file_is_named_as_such(tmp_path, kind):
    path = special_file(tmp_path, kind)
    spec = write(tmp_path / "sweep.yaml", f"base: {path.name}\ndesign: {{type: grid}}\n"
                 "parameters: {brokering.slots_per_term: {values: [1, 2]}}\n")
    result = run("sweep", spec, "-o", tmp_path / "s.h5")
    refused(result, f"sweep.yaml:1:7: base: {path}: {KIND_TEXT[kind]}")
    assert "not found" not in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_world_file_that_is_not_a_regular_file_is_named_as_such(tmp_path, kind):
    path = special_file(tmp_path, kind)
    scenario = write(tmp_path / "s.yaml", f"world: {{file: {path.name}}}\n")
    refused(run("run", scenario, "-o", tmp_path / "out.h5"), f"{path}: {KIND_TEXT[kind]}")
    refused(run("capacity", path), f"{path}: {KIND_TEXT[kind]}")
    refused(run("world", "info", path), f"{path}: {KIND_TEXT[kind]}")


def test_world_file_on_dev_null_is_not_reported_missing(tmp_path):
    scenario = write(tmp_path / "s.yaml", "world: {file: /dev/null}\n")
    result = run("run", scenario, "-o", tmp_path / "out.h5")
    refused(result, "/dev/null: not a regular file (a character device)")
    assert "no such file" not in result.stderr


# ----------------------------------------------------------------------------- item 8: counts


def test_many_aliased_programmes_are_refused_by_count(tmp_path):
    # 200,000 aliases of one programme: a 1.4 MB file that took 59 s to validate.
    text = "programmes:\n  - &p {name: x, start: 1, end: 5}\n" + "  - *p\n" * 200_000
    refused(run("validate", write(tmp_path / "s.yaml", text)),
            "programmes: has 200001 entries; at most 1000 are allowed")


def test_a_long_la_list_is_refused_by_count(tmp_path):
    text = "brokering:\n  las: [" + ",".join(["0"] * 1_000_000) + "]\n"
    refused(run("validate", write(tmp_path / "s.yaml", text)),
            "brokering.las: has 1000000 entries; at most 10000 are allowed")


def test_la_lists_together_are_limited(tmp_path):
    # 20 regions of 9,000 LAs: each list is allowed, all of them together are not.
    regions = "".join(f"    r{k}: [{','.join(['1'] * 9000)}]\n" for k in range(20))
    result = run("validate", write(tmp_path / "s.yaml", "world:\n  regions:\n" + regions))
    refused(result, "more than 100000 LA indices in all LA lists together (the limit)")
    assert result.stderr.count("LA lists together") == 1


def test_lists_at_the_limits_validate(tmp_path):
    programmes = "".join(f"  - {{name: p{k}, start: 1, end: 5}}\n" for k in range(1000))
    las = ",".join(str(k) for k in range(10_000))
    text = f"world: {{n_las: 10000}}\nbrokering: {{las: [{las}]}}\nprogrammes:\n{programmes}"
    result = run("validate", write(tmp_path / "s.yaml", text))
    assert result.returncode == 0, result.stderr
    assert "name: p999\n" in result.stdout and "name: p1000\n" not in result.stdout
    assert f"las: [{', '.join(str(k) for k in range(10_000))}]" in result.stdout


# ----------------------------------------------------------------------------- register rows


def register_rows():
    """The fixture register as (header, rows) of text fields (Windows-1252)."""
    with open(REGISTER, encoding="cp1252", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write_register(path, header, rows, line_end="\r\n"):
    out = io.StringIO()
    csv.writer(out, lineterminator=line_end).writerows([header, *rows])
    Path(path).write_bytes(out.getvalue().encode("cp1252"))
    return path


def import_world(register, out, *extra):
    return run("world", "import", register, "-o", out, "--max-bad-share", "0.1", *extra)


@pytest.mark.parametrize("column,value", [("NumberOfPupils", "2000000"), ("SchoolCapacity", "1e308")])
def test_impossible_school_sizes_are_malformed_rows(tmp_path, column, value):
    header, rows = register_rows()
    # A kept school whose URN appears once in the fixture.
    assert import_world(REGISTER, tmp_path / "plain.h5").returncode == 0
    with h5py.File(tmp_path / "plain.h5", "r") as f:
        kept = set(f["school_urn"][...].tolist())
    urns = [r[0] for r in rows]
    k = next(i for i, r in enumerate(rows) if urns.count(r[0]) == 1 and int(r[0]) in kept)
    rows[k][header.index(column)] = value
    out = tmp_path / "w.h5"
    result = import_world(write_register(tmp_path / "r.csv", header, rows), out)
    assert result.returncode == 0, result.stderr
    urn = rows[k][header.index("URN")]
    assert f": {column} '{value}' is implausible (more than 100,000) (URN {urn})" in result.stdout
    with h5py.File(out, "r") as f:
        assert int(f.attrs["import_skipped_malformed"]) == 4  # the fixture's 3 and this one
        assert int(urn) not in set(f["school_urn"][...].tolist())
    # The world is one that the model accepts.
    capacity = run("capacity", out, "--csv", tmp_path / "c.csv")
    assert capacity.returncode == 0, capacity.stderr


def test_register_cut_inside_a_row_is_truncated_not_a_bad_row(tmp_path):
    text = REGISTER.read_bytes()
    cut = text[: text.index(b"\r\n", len(text) // 2) - 40]  # 40 bytes before a row's end
    line = cut.count(b"\n") + 1
    register = tmp_path / "cut.csv"
    register.write_bytes(cut)
    result = import_world(register, tmp_path / "w.h5")
    refused(result, f"cut.csv: line {line}: the file ends inside a row (", "looks truncated")
    assert not (tmp_path / "w.h5").exists()


def test_register_cut_inside_a_quoted_field_is_truncated(tmp_path):
    text = REGISTER.read_bytes()
    start = text.index(b',"The ') + 6  # inside a quoted school name
    register = tmp_path / "cut.csv"
    register.write_bytes(text[:start])
    line = text[:start].count(b"\n") + 1
    refused(import_world(register, tmp_path / "w.h5"),
            f"cut.csv: line {line}: the file ends inside a quoted field that never closes")


def test_register_without_a_final_line_break_still_imports(tmp_path):
    register = tmp_path / "r.csv"
    register.write_bytes(REGISTER.read_bytes().rstrip(b"\r\n"))
    result = import_world(register, tmp_path / "w.h5")
    assert result.returncode == 0, result.stderr


def world_arrays(path):
    with h5py.File(path, "r") as f:
        return {name: f[name][...] for name in f if isinstance(f[name], h5py.Dataset)}


def test_world_does_not_depend_on_register_row_order(tmp_path):
    header, rows = register_rows()
    urn = header.index("URN")
    # The fixture repeats one URN on purpose (the first row wins); without the repeat every
    # row's outcome is the same in either order.
    seen, unique = set(), []
    for r in rows:
        if r[urn] not in seen:
            seen.add(r[urn])
            unique.append(r)
    assert len(unique) == len(rows) - 1
    # Eastings in LA 350 whose sum rounds differently forwards and backwards, so that the
    # filled location of its school without coordinates (URN 110009) tells the orders apart.
    la, east = header.index("LA (code)"), header.index("Easting")
    located_350 = [r for r in unique if len(r) == len(header) and r[la] == "350" and r[east] not in ("", "0")]
    for k, r in enumerate(located_350):
        r[east] = f"{360000 + (10 * 7919 * k * k) % 20000 + 0.1 * (k % 7):.1f}"
    forward = tmp_path / "forward.h5"
    backward = tmp_path / "backward.h5"
    assert import_world(write_register(tmp_path / "f.csv", header, unique), forward).returncode == 0
    assert import_world(write_register(tmp_path / "b.csv", header, unique[::-1]), backward).returncode == 0
    a, b = world_arrays(forward), world_arrays(backward)
    kept = set(a["school_urn"].tolist()) - {110009}
    xs = [float(r[east]) / 1000.0 for r in located_350 if int(r[0]) in kept]

    def mean_in_order(values):
        total = 0.0
        for v in values:
            total += v
        return total / len(values)

    assert len(xs) > 10 and mean_in_order(xs) != mean_in_order(xs[::-1]), "the test lost its sensitivity"
    assert sorted(a) == sorted(b) and len(a) > 10
    for name in a:
        assert a[name].dtype == b[name].dtype, name
        if a[name].dtype.kind == "f":
            assert a[name].tobytes() == b[name].tobytes(), f"{name} differs with the rows reversed"
        else:
            assert np.array_equal(a[name], b[name]), f"{name} differs with the rows reversed"


def test_cr_only_register_reports_the_right_lines(tmp_path):
    header, rows = register_rows()
    rows[4][header.index("NumberOfPupils")] = "many"
    register = write_register(tmp_path / "cr.csv", header, rows, line_end="\r")
    result = import_world(register, tmp_path / "w.h5")
    assert result.returncode == 0, result.stderr
    urn = rows[4][header.index("URN")]
    assert f"line 6: NumberOfPupils 'many' is not a number (URN {urn})" in result.stdout


def test_register_without_coordinates_says_so(tmp_path):
    header, rows = register_rows()
    for r in rows:
        if len(r) == len(header):
            r[header.index("Easting")] = r[header.index("Northing")] = ""
    result = import_world(write_register(tmp_path / "r.csv", header, rows), tmp_path / "w.h5")
    refused(result, "open primary and secondary schools has coordinates (Easting/Northing blank or 0)")
    assert "type-group rules" not in result.stderr


def test_long_number_in_a_register_is_echoed_shortened(tmp_path):
    header, rows = register_rows()
    rows[0][header.index("NumberOfPupils")] = "9" * 5000 + "x"
    result = import_world(write_register(tmp_path / "r.csv", header, rows), tmp_path / "w.h5")
    assert result.returncode == 0
    assert "NumberOfPupils '" + "9" * 40 + "... (5001 characters)' is not a number" in result.stdout
    assert "9" * 100 not in result.stdout


# ----------------------------------------------------------------------------- item 12: control characters


@pytest.mark.parametrize(
    "text,where",
    [
        ('name: "a\\0b"\n', 's.yaml:1:7: name: contains a control character (NUL, U+0000) at character 2'),
        ('programmes: [{name: "p\\e", start: 1, end: 5}]\n',
         "programmes[0].name: contains a control character (escape, U+001B) at character 2"),
        ('world: {regions: {"r\\r": [0]}}\n',
         "world.regions: region name contains a control character (carriage return, U+000D)"),
        ('world: {file: "w\\0.h5"}\n', "world.file: contains a control character (NUL, U+0000)"),
        ('extends: "base\\0.yaml"\n', "extends: contains a control character (NUL, U+0000)"),
    ],
)
def test_control_characters_in_scenario_text_are_refused(tmp_path, text, where):
    refused(run("validate", write(tmp_path / "s.yaml", text)), where)


def test_control_character_in_a_set_override_is_refused(tmp_path):
    refused(run("validate", SCENARIOS / "baseline.yaml", "--set", 'name="x\\0y"'),
            "name: contains a control character (NUL, U+0000)")


def test_control_characters_in_a_sweep_are_refused_before_any_run(tmp_path):
    write(tmp_path / "base.yaml", "{}\n")
    spec = write(tmp_path / "sweep.yaml", 'name: "sw\\0eep"\nbase: base.yaml\n'
                 "design: {type: grid}\nparameters: {brokering.slots_per_term: {values: [1, 2]}}\n")
    out = tmp_path / "s.h5"
    refused(run("sweep", spec, "-o", out), "sweep.yaml:1:7: name: contains a control character (NUL, U+0000)")
    assert not out.exists()


def test_a_multi_line_sweep_description_is_allowed(tmp_path):
    write(tmp_path / "base.yaml", "{}\n")
    spec = write(tmp_path / "sweep.yaml", "description: |\n  two\n  lines\nbase: base.yaml\n"
                 "design: {type: grid}\nparameters: {brokering.slots_per_term: {values: [1, 2]}}\n")
    result = run("sweep", spec, "-o", tmp_path / "s.h5", "--dry-run")
    assert result.returncode == 0, result.stderr


# ----------------------------------------------------------------------------- item 16: messages


def test_unknown_command_is_named():
    result = run("frobnicate")
    refused(result, "unknown command 'frobnicate' (commands: run, validate, params,")
    assert "A subcommand is required" not in result.stderr


def test_deep_nesting_is_explained(tmp_path):
    result = run("validate", write(tmp_path / "s.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n"))
    refused(result, "malformed YAML: nested deeper than 500 levels")
    assert "bad file" not in result.stderr


def test_overlong_key_is_explained(tmp_path):
    result = run("validate", write(tmp_path / "s.yaml", "k" * 200_000 + ": 1\n"))
    refused(result, "malformed YAML: a key longer than 1024 characters")
    assert len(result.stderr) < 2000


@pytest.mark.parametrize("value", ["18446744073709551615", "-99999999999999999999"])
def test_seed_beyond_any_integer_is_out_of_range(tmp_path, value):
    result = run("validate", write(tmp_path / "s.yaml", f"run: {{seed: {value}}}\n"))
    refused(result, f"run.seed: value {value} is out of range")
    assert "expected an integer" not in result.stderr


def test_sweep_seed_beyond_any_integer_is_out_of_range(tmp_path):
    write(tmp_path / "base.yaml", "{}\n")
    spec = write(tmp_path / "sweep.yaml", "base: base.yaml\nseed: 18446744073709551615\n"
                 "design: {type: grid}\nparameters: {brokering.slots_per_term: {values: [1, 2]}}\n")
    refused(run("sweep", spec, "-o", tmp_path / "s.h5"), "seed: value 18446744073709551615 is out of range")


def test_empty_extends_is_explained(tmp_path):
    result = run("validate", write(tmp_path / "s.yaml", 'extends: ""\n'))
    refused(result, "s.yaml:1:10: extends: expected a file path, got an empty text")


def test_long_number_is_echoed_shortened(tmp_path):
    digits = "1" * 5000
    result = run("validate", write(tmp_path / "s.yaml", f"run: {{terms: {digits}}}\n"))
    refused(result, "run.terms: value " + "1" * 40 + "... (5000 characters) is out of range")
    assert len(result.stderr) < 1000


def test_yaml_merge_keys_are_refused_by_name(tmp_path):
    text = "brokering: &b {slots_per_term: 3}\nself_organised:\n  <<: *b\n"
    result = run("validate", write(tmp_path / "s.yaml", text))
    refused(result, "self_organised.<<: YAML merge keys ('<<') are not supported: write the keys out in full")
    assert "unknown key" not in result.stderr


def test_empty_scenario_file_is_refused_with_a_hint(tmp_path):
    for text in ["", "# only a comment\n"]:
        result = run("validate", write(tmp_path / "s.yaml", text))
        refused(result, "s.yaml: the file is empty (for a scenario with every default, write {})")
    assert run("validate", write(tmp_path / "d.yaml", "{}\n")).returncode == 0
