"""Damaged HDF5 files are refused, never crash, hang or pass as sound (issue 14 items 3-5).

The short seeded byte-flip campaign of issue 14 (scripts/byteflip.py, 200 flips each): a small
world file given to `run`, its run file and a sweep file given to `info --verify`, and the
journal of an interrupted sweep given to `sweep --resume`; docs/hardening.md has the long one.
"""

import json
import subprocess
import sys

import h5py
import pytest

from engine_support import REPO, schoolsim_binary

WORLDS = REPO / "scenarios" / "worlds"
BYTEFLIP = REPO / "scripts" / "byteflip.py"


@pytest.fixture(scope="module")
def small_files(tmp_path_factory, schoolsim):
    """The register fixture as a world file (60 schools), a one-term scenario on it, its run file."""
    folder = tmp_path_factory.mktemp("damaged")
    world = folder / "world.h5"
    schoolsim("world", "import", WORLDS / "fixture_register.csv", "-o", world, "--max-bad-share", "0.05",
              "--attainment", WORLDS / "fixture_ks2.csv", "--attainment", WORLDS / "fixture_ks4.csv", check=True)
    scenario = folder / "flip.yaml"
    scenario.write_text("name: flip\nextends: " + str(REPO / "scenarios" / "baseline.yaml") +
                        "\nworld: {file: world.h5}\nrun: {terms: 1}\n")
    run = folder / "run.h5"
    schoolsim("run", scenario, "-o", run, check=True)
    return world, scenario, run


def sweep_folder(small_files, tmp_path_factory, name, replicates):
    """A new folder with the small world, its one-term scenario and sweep.yaml: a grid over
    brokering.slots_per_term [1, 2] with `replicates` runs each (seed 5). Returns (folder, spec)."""
    world, scenario, _ = small_files
    folder = tmp_path_factory.mktemp(name)
    for source in (world, scenario):
        (folder / source.name).write_bytes(source.read_bytes())
    spec = folder / "sweep.yaml"
    spec.write_text(f"base: {scenario.name}\nparameters:\n  brokering.slots_per_term: {{values: [1, 2]}}\n"
                    f"design: {{type: grid}}\nreplicates: {replicates}\nseed: 5\n")
    return folder, spec


FLIPS = 200  # per file (issue 14: "about 200 flips each" in CI)


def campaign(tmp_path, target, seed, command, extras=(), at=None):
    report = tmp_path / f"{target.stem}.json"
    args = [sys.executable, BYTEFLIP, target, "--flips", FLIPS, "--seed", seed, "--jobs", 2, "--timeout", 120,
            "--json", report]
    for extra in extras:
        args += ["--with", extra]
    if at:
        args += ["--at", at]
    result = subprocess.run([str(a) for a in args + ["--", str(schoolsim_binary()), *command]],
                            capture_output=True, text=True, timeout=1800)
    assert report.is_file(), result.stdout + result.stderr
    return json.loads(report.read_text()), result


@pytest.fixture(scope="module")
def interrupted_journal(small_files, tmp_path_factory, schoolsim):
    """The parts folder of an 8-run sweep on the small world that failed at its merge (a file size
    limit lets the journal be written but not the sweep file): (folder, its journal, sweep spec)."""
    folder, spec = sweep_folder(small_files, tmp_path_factory, "journal", replicates=4)
    result = subprocess.run(["bash", "-c", f"ulimit -f 40; exec {schoolsim_binary()} sweep sweep.yaml -o out.h5 -q"],
                            cwd=folder, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "File too large" in result.stderr, result.stderr
    journal = folder / "out.h5.parts" / "runs.journal"
    assert journal.stat().st_size > 20000, "the journal should hold several runs"
    return folder, journal, spec


@pytest.mark.parametrize("kind", ["world", "run", "sweep", "journal"])
def test_byte_flips_are_refused_or_harmless(small_files, small_sweep, interrupted_journal, tmp_path, kind):
    """No crash, no hang, no damaged file used as if sound: every flip is refused as damaged or
    the command's result (and, for HDF5 files, the file's data) is that of the undamaged file."""
    world, scenario, run = small_files
    if kind == "world":
        data, result = campaign(tmp_path, world, 11, ["run", scenario.name, "-o", "{out}"], [scenario])
    elif kind == "run":
        data, result = campaign(tmp_path, run, 12, ["info", "--verify", "{file}"])
    elif kind == "sweep":
        data, result = campaign(tmp_path, small_sweep[2], 13, ["info", "--verify", "{file}"])
    else:  # a damaged record is redone, so --resume gives the same sweep file (docs/sweeps.md)
        folder, journal, spec = interrupted_journal
        data, result = campaign(tmp_path, journal, 14, ["sweep", spec.name, "-o", "{out}", "--resume", "-q"],
                                [folder / "out.h5.parts", spec, folder / scenario.name, folder / world.name],
                                at="out.h5.parts/runs.journal")
    counts = data["counts"]
    assert counts["crash"] == 0 and counts["hang"] == 0 and counts["ok-DIFFERENT"] == 0, result.stdout
    assert counts["refused"] + counts["ok-same"] == len(data["flips"]) == FLIPS
    assert counts["ok-same"] > 0
    if kind != "journal":
        assert counts["refused"] > 0
    # Every refusal names the file (byteflip checks): damage is exit 1, "damaged: FILE: ...";
    # a flip in the signature makes it "not an HDF5 file" (exit 2, as any file of another kind).
    for flip in data["flips"]:
        if flip["outcome"] == "refused":
            assert (flip["status"], "damaged: " in flip["message"]) in ((1, True), (2, False)), flip
            assert flip["status"] == 1 or "not an HDF5 file" in flip["message"], flip


def test_a_changed_school_name_is_refused_by_its_checksum(small_files, tmp_path, schoolsim):
    """Variable-length strings live in HDF5's global heap, which HDF5 does not checksum."""
    world, scenario, _ = small_files
    data = world.read_bytes()
    at = data.index(b"Beacon")
    damaged = tmp_path / "world.h5"
    damaged.write_bytes(data[:at] + b"Deacon" + data[at + 6:])
    (tmp_path / scenario.name).write_text(scenario.read_text())
    with h5py.File(damaged, "r") as f:  # HDF5 itself reads it without complaint
        assert b'The "Deacon" Primary Academy' in list(f["school_name"][:])
    result = schoolsim("run", tmp_path / scenario.name, "-o", tmp_path / "out.h5")
    assert result.returncode == 1  # damage, not an input error (issue 14: "1 for damage or runtime")
    assert result.stderr.strip() == (f"schoolsim: damaged: {damaged}: variable 'school_name': its strings do not "
                                     "match their schoolsim_crc32 checksum")
    assert not (tmp_path / "out.h5").exists()
    verify = schoolsim("info", "--verify", damaged)
    assert verify.returncode == 1
    assert verify.stderr.strip() == (f"schoolsim: damaged: {damaged}: 1 of 20 datasets do not read back:\n"
                                     "  school_name: its strings do not match their schoolsim_crc32 checksum")


@pytest.fixture(scope="module")
def small_sweep(small_files, tmp_path_factory, schoolsim):
    """A 2-run sweep on the small world: (folder, sweep spec, its sweep file, [shard 0 of 2, shard 1 of 2])."""
    folder, spec = sweep_folder(small_files, tmp_path_factory, "damaged-sweep", replicates=1)
    out = folder / "sweep.h5"
    schoolsim("sweep", spec, "-o", out, "-q", check=True)
    shards = [folder / f"shard{k}.h5" for k in (0, 1)]
    for k, shard in enumerate(shards):
        schoolsim("sweep", spec, "-o", shard, "--shard", f"{k}/2", "-q", check=True)
    return folder, spec, out, shards


def truncated(source, target):
    """A copy of `source` cut in the middle: it keeps the HDF5 signature but does not open."""
    data = source.read_bytes()
    target.write_bytes(data[:len(data) // 2])
    return target


@pytest.mark.parametrize("command", ["run", "world info", "info", "info --verify", "merge", "sweep --resume"])
def test_a_damaged_input_is_exit_1_damaged(small_files, small_sweep, tmp_path, schoolsim, command):
    """Damage of a world or result file is a runtime error (exit 1, "damaged: FILE: ..."), never
    an input error (2): the command was right, the file does not read back (issue 14)."""
    world, scenario, run = small_files
    folder, spec, out, shards = small_sweep
    if command in ("run", "world info"):
        damaged = truncated(world, tmp_path / world.name)
        (tmp_path / scenario.name).write_text(scenario.read_text())
        args = ["run", tmp_path / scenario.name, "-o", tmp_path / "out.h5"] if command == "run" else \
            ["world", "info", damaged]
    elif command.startswith("info"):
        damaged = truncated(run, tmp_path / run.name)
        args = [*command.split(), damaged]
    elif command == "merge":
        damaged = truncated(shards[1], tmp_path / shards[1].name)
        args = ["merge", shards[0], damaged, "-o", tmp_path / "merged.h5"]
    else:
        for name in (spec.name, "flip.yaml", "world.h5"):
            (tmp_path / name).write_bytes((folder / name).read_bytes())
        damaged = truncated(out, tmp_path / out.name)
        args = ["sweep", tmp_path / spec.name, "-o", damaged, "--resume", "-q"]
    result = schoolsim(*args)
    assert result.returncode == 1, result.stderr
    assert f"schoolsim: damaged: {damaged}: " in result.stderr, result.stderr
    assert "(damaged or truncated)" in result.stderr, result.stderr
    assert not (tmp_path / "out.h5").exists() and not (tmp_path / "merged.h5").exists()


def test_a_file_that_is_not_hdf5_is_an_input_error(small_files, tmp_path, schoolsim):
    """The wrong kind of file is the user's mistake (exit 2), not damage."""
    world, scenario, _ = small_files
    (tmp_path / world.name).write_text("URN,LA\n1,2\n")
    (tmp_path / scenario.name).write_text(scenario.read_text())
    for args in (["run", tmp_path / scenario.name, "-o", tmp_path / "out.h5"], ["info", tmp_path / world.name],
                 ["info", "--verify", tmp_path / world.name]):
        result = schoolsim(*args)
        assert result.returncode == 2 and "damaged" not in result.stderr, (args, result.stderr)


def test_files_are_written_in_the_hdf5_1_10_format(small_files):
    """Checksummed chunk indexes (fixed arrays), not the 1.8 format's B-trees."""
    world, _, run = small_files
    for path in (world, run):
        assert path.read_bytes()[8] == 3  # superblock version 3: HDF5 1.10 format
        assert subprocess.run(["ncdump", "-h", str(path)], capture_output=True).returncode == 0


def test_verify_names_every_damaged_dataset(small_files, tmp_path, schoolsim):
    """`info --verify` reads the datasets in one child, a new one after each failure: a damaged
    chunk in two datasets names both, and the others still read back."""
    _, _, run = small_files
    data = bytearray(run.read_bytes())
    with h5py.File(run, "r") as f:
        names = [n for n in f if isinstance(f[n], h5py.Dataset) and f[n].chunks and f[n].dtype.kind == "f"][:2]
        offsets = [f[n].id.get_chunk_info(0).byte_offset for n in names]
    assert len(offsets) == 2
    for offset in offsets:
        data[offset + 1] ^= 0xFF
    damaged = tmp_path / run.name
    damaged.write_bytes(bytes(data))
    result = schoolsim("info", "--verify", damaged)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"schoolsim: damaged: {damaged}: 2 of ") and "datasets do not read back:" in lines[0]
    assert sorted(lines[1:]) == sorted(f"  {n}: data error detected by Fletcher32 checksum" for n in names)
