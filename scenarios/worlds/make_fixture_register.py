#!/usr/bin/python3
"""Writes the small school-register fixture used by the tests (no real data is downloaded).

    /usr/bin/python3 scenarios/worlds/make_fixture_register.py
    /usr/bin/python3 scenarios/worlds/make_fixture_register.py --rows 25000 --output /tmp/large.csv

The first form writes, next to this script (the second writes a large register of the
same layout for timing the importer; it is not committed):

* ``fixture_register.csv``: 74 data rows in the column layout of England's register of
  schools (the GIAS "all establishment data" CSV: the same 139 columns in the same order),
  Windows-1252 encoded, CRLF line ends, quoted fields where needed.
* ``fixture_ks2.csv`` and ``fixture_ks4.csv``: school-level attainment in the layout of the
  DfE performance tables (``PTRWM_EXP``, ``ATT8SCR``), keyed by URN.

The register holds 60 schools that ``schoolsim world import`` keeps (48 primary, 12
secondary, in LAs 350 Bolton, 351 Bury and 352 Manchester; 16 primary and 4 secondary per
LA) and 14 rows it skips. The expected import counts, counted by hand from the table below,
are asserted by ``tests/python/test_register_import.py``:

====================  =====  ===========================================================
count                 value  rows
====================  =====  ===========================================================
rows                  74
kept                  60     48 primary (one "Middle deemed primary"), 12 secondary (one
                             "Middle deemed secondary", one "All-through"); one school
                             "Open, but proposed to close"
skipped_not_open      3      Closed x2, Proposed to open
skipped_type_group    3      Independent schools x2 (phases Primary, Not applicable),
                             Special schools
skipped_other_phase   3      Nursery, 16 plus, Not applicable (a pupil referral unit)
skipped_malformed     3      too few fields, too many fields (unquoted comma), Easting
                             "38x500"
skipped_duplicate_urn 1      URN 110000 a second time
skipped_no_location   1      LA 906 Isles of Scilly: no school there has coordinates
filled_location       2      primary ranks 5 and 9 (blank Easting/Northing)
filled_pupils         2      primary ranks 3 (pupils blank) and 8 (both blank)
filled_places         2      primary ranks 4 (capacity blank) and 8 (both blank)
filled_disadvantage   3      primary ranks 11 (blank) and 14 ("SUPP"), secondary rank 2
filled_grade          5      primary ranks 12, 13, 17, 22 (blank), 28 (Insufficient evidence)
raised_places         1      primary rank 6: 450 pupils, capacity 420
trusts                4      Northern Lights (P0, P3, P6, S3), "Learning, Leading and
                             Caring" (P2, P5), Irwell Valley (S1, S2), Moss Side (S5,
                             single-academy trust); Radcliffe Schools Foundation Trust
                             (P1, P4) is a maintained school's foundation trust: no trust
trust_schools         9
mats                  3      primary 3 + 2 schools, secondary 2 (one MAT per trust and phase
                             with two or more schools)
mat_schools           7
====================  =====  ===========================================================

Schools are numbered by their rank in attainment within phase ("primary rank r" has URN
110000 + r and KS2 PTRWM_EXP = 30 + r; "secondary rank r" has URN 120000 + r and KS4
ATT8SCR = 35 + 2r) and belong to LA index r % 3 (0 = 350, 1 = 351, 2 = 352). Inspection
grades are chosen so the capacity analysis can be counted by hand (see
tests/python/test_register_capacity.py).

Awkward content: quoted names with commas and doubled quotes, non-ASCII names (é, œ, ’ in
Windows-1252), blank and suppressed numbers, a percentage with "%" in the KS2 file, LA and
national rows (no URN) in the attainment files.
"""

import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent

# The GIAS "all establishment data" header (edubasealldata*.csv), in order.
COLUMNS = [
    "URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
    "TypeOfEstablishment (code)", "TypeOfEstablishment (name)", "EstablishmentTypeGroup (code)",
    "EstablishmentTypeGroup (name)", "EstablishmentStatus (code)", "EstablishmentStatus (name)",
    "ReasonEstablishmentOpened (code)", "ReasonEstablishmentOpened (name)", "OpenDate",
    "ReasonEstablishmentClosed (code)", "ReasonEstablishmentClosed (name)", "CloseDate",
    "PhaseOfEducation (code)", "PhaseOfEducation (name)", "StatutoryLowAge", "StatutoryHighAge",
    "Boarders (code)", "Boarders (name)", "NurseryProvision (name)", "OfficialSixthForm (code)",
    "OfficialSixthForm (name)", "Gender (code)", "Gender (name)", "ReligiousCharacter (code)",
    "ReligiousCharacter (name)", "ReligiousEthos (name)", "Diocese (code)", "Diocese (name)",
    "AdmissionsPolicy (code)", "AdmissionsPolicy (name)", "SchoolCapacity", "SpecialClasses (code)",
    "SpecialClasses (name)", "CensusDate", "NumberOfPupils", "NumberOfBoys", "NumberOfGirls",
    "PercentageFSM", "TrustSchoolFlag (code)", "TrustSchoolFlag (name)", "Trusts (code)",
    "Trusts (name)", "SchoolSponsorFlag (name)", "SchoolSponsors (name)", "FederationFlag (name)",
    "Federations (code)", "Federations (name)", "UKPRN", "FEHEIdentifier",
    "FurtherEducationType (name)", "OfstedLastInsp", "OfstedSpecialMeasures (code)",
    "OfstedSpecialMeasures (name)", "LastChangedDate", "Street", "Locality", "Address3", "Town",
    "County (name)", "Postcode", "SchoolWebsite", "TelephoneNum", "HeadTitle (name)",
    "HeadFirstName", "HeadLastName", "HeadPreferredJobTitle", "BSOInspectorateName (name)",
    "InspectorateReport", "DateOfLastInspectionVisit", "NextInspectionVisit", "TeenMoth (name)",
    "TeenMothPlaces", "CCF (name)", "SENPRU (name)", "EBD (name)", "PlacesPRU", "FTProv (name)",
    "EdByOther (name)", "Section41Approved (name)", "SEN1 (name)", "SEN2 (name)", "SEN3 (name)",
    "SEN4 (name)", "SEN5 (name)", "SEN6 (name)", "SEN7 (name)", "SEN8 (name)", "SEN9 (name)",
    "SEN10 (name)", "SEN11 (name)", "SEN12 (name)", "SEN13 (name)",
    "TypeOfResourcedProvision (name)", "ResourcedProvisionOnRoll", "ResourcedProvisionCapacity",
    "SenUnitOnRoll", "SenUnitCapacity", "GOR (code)", "GOR (name)",
    "DistrictAdministrative (code)", "DistrictAdministrative (name)", "AdministrativeWard (code)",
    "AdministrativeWard (name)", "ParliamentaryConstituency (code)",
    "ParliamentaryConstituency (name)", "UrbanRural (code)", "UrbanRural (name)",
    "GSSLACode (name)", "Easting", "Northing", "MSOA (name)", "LSOA (name)",
    "InspectorateName (name)", "SENStat", "SENNoStat", "BoardingEstablishment (name)",
    "PropsName", "PreviousLA (code)", "PreviousLA (name)", "PreviousEstablishmentNumber",
    "OfstedRating (name)", "Country (name)", "UPRN", "SiteName", "QABName (code)",
    "QABName (name)", "EstablishmentAccredited (code)", "EstablishmentAccredited (name)",
    "QABReport", "CHNumber", "MSOA (code)", "LSOA (code)", "FSM", "AccreditationExpiryDate",
]

# LA code -> (name, GSS code, centre easting, centre northing) in British National Grid metres.
LAS = {
    350: ("Bolton", "E08000001", 371500, 409000),
    351: ("Bury", "E08000002", 380500, 411000),
    352: ("Manchester", "E08000003", 384500, 397500),
}
LA_CODES = [350, 351, 352]

TYPE = {  # type-group name -> (group code, type code, type name)
    "Local authority maintained schools": ("4", "1", "Community school"),
    "Academies": ("10", "28", "Academy sponsor led"),
    "Free Schools": ("11", "35", "Free schools"),
    "Independent schools": ("3", "11", "Other independent school"),
    "Special schools": ("5", "7", "Community special school"),
}
PHASE_CODE = {"Nursery": "1", "Primary": "2", "Middle deemed primary": "3", "Secondary": "4",
              "Middle deemed secondary": "5", "16 plus": "6", "All-through": "7",
              "Not applicable": "0"}
STATUS_CODE = {"Open": "1", "Closed": "2", "Open, but proposed to close": "3",
               "Proposed to open": "4"}

PRIMARY_NAMES = {
    0: "St Mary's, St John's CofE Primary School",
    1: 'The "Beacon" Primary Academy',
    2: "Sacré Cœur RC Primary School",
    12: "St Aidan’s C of E Primary School",
}
GRADES_PRIMARY = {10: "Requires improvement", 20: "Requires improvement", 36: "Requires improvement",
                  7: "Inadequate", 15: "Special Measures", 26: "Serious Weaknesses",
                  12: "", 13: "", 17: "", 22: "", 28: "Insufficient evidence", 2: "Outstanding"}
GRADES_SECONDARY = {5: "Requires improvement", 10: "Inadequate", 8: "Outstanding",
                    9: "Outstanding", 11: "Outstanding"}
MAT_FLAG = "Supported by a multi-academy trust"
TRUSTS = {  # (phase, rank) -> (trust code, trust name, flag)
    ("P", 0): ("5001", "Northern Lights Academy Trust", MAT_FLAG),
    ("P", 3): ("5001", "Northern Lights Academy Trust", MAT_FLAG),
    ("P", 6): ("5001", "Northern Lights Academy Trust", MAT_FLAG),
    ("S", 3): ("5001", "Northern Lights Academy Trust", MAT_FLAG),
    ("P", 2): ("5002", "Learning, Leading and Caring Trust", MAT_FLAG),
    ("P", 5): ("5002", "Learning, Leading and Caring Trust", MAT_FLAG),
    ("S", 1): ("5003", "Irwell Valley Learning Partnership", MAT_FLAG),
    ("S", 2): ("5003", "Irwell Valley Learning Partnership", MAT_FLAG),
    ("S", 5): ("5004", "Moss Side Academy Trust", "Supported by a single-academy trust"),
    ("P", 1): ("6001", "Radcliffe Schools Foundation Trust", "Supported by a trust"),
    ("P", 4): ("6001", "Radcliffe Schools Foundation Trust", "Supported by a trust"),
}


def row(urn, la, name, phase, group="Local authority maintained schools", status="Open",
        easting="", northing="", pupils="", capacity="", fsm="", ofsted="Good", trust=None):
    """One register row as a dict over COLUMNS (unset columns blank)."""
    r = dict.fromkeys(COLUMNS, "")
    la_name, gss = LAS[la][:2] if la in LAS else ("Isles of Scilly", "E06000053")
    group_code, type_code, type_name = TYPE[group]
    r.update({
        "URN": str(urn), "LA (code)": str(la), "LA (name)": la_name,
        "EstablishmentNumber": str(2000 + urn % 1000), "EstablishmentName": name,
        "TypeOfEstablishment (code)": type_code, "TypeOfEstablishment (name)": type_name,
        "EstablishmentTypeGroup (code)": group_code, "EstablishmentTypeGroup (name)": group,
        "EstablishmentStatus (code)": STATUS_CODE[status], "EstablishmentStatus (name)": status,
        "OpenDate": "01-09-2012" if group in ("Academies", "Free Schools") else "",
        "CloseDate": "31-08-2023" if status == "Closed" else "",
        "PhaseOfEducation (code)": PHASE_CODE[phase], "PhaseOfEducation (name)": phase,
        "StatutoryLowAge": "4" if "rimary" in phase else "11",
        "StatutoryHighAge": "11" if "rimary" in phase else "16",
        "Gender (name)": "Mixed", "ReligiousCharacter (name)": "Does not apply",
        "AdmissionsPolicy (name)": "Not applicable", "SchoolCapacity": capacity,
        "CensusDate": "18-01-2024", "NumberOfPupils": pupils, "PercentageFSM": fsm,
        "TrustSchoolFlag (name)": "Not applicable", "SchoolSponsorFlag (name)": "Not applicable",
        "FederationFlag (name)": "Not under a federation",
        "OfstedLastInsp": "14-03-2022" if ofsted else "",
        "OfstedSpecialMeasures (name)": "Not applicable",
        "LastChangedDate": "02-01-2025", "Town": la_name, "County (name)": "Greater Manchester",
        "Postcode": f"M{urn % 90 + 1} {urn % 9}AB", "GOR (code)": "B", "GOR (name)": "North West",
        "UrbanRural (name)": "(A1) Urban major conurbation", "GSSLACode (name)": gss,
        "Easting": easting, "Northing": northing, "OfstedRating (name)": ofsted,
        "Country (name)": "United Kingdom", "PreviousLA (code)": "999",
        "PreviousLA (name)": "Not applicable",
    })
    if trust:
        code, trust_name, flag = trust
        r.update({"TrustSchoolFlag (name)": flag, "Trusts (code)": code, "Trusts (name)": trust_name})
    return r


def position(la, k, per_side, spacing):
    """Grid position k of an LA: per_side x per_side points `spacing` metres apart."""
    _, _, cx, cy = LAS[la]
    gx, gy = k % per_side, k // per_side
    half = (per_side - 1) / 2
    return str(int(cx + (gx - half) * spacing)), str(int(cy + (gy - half) * spacing))


def kept_rows():
    """The 60 schools the import keeps (48 primary, 12 secondary)."""
    rows = []
    for r in range(48):
        la = LA_CODES[r % 3]
        easting, northing = position(la, r // 3, 4, 1500)
        if r in (5, 9):
            easting = northing = ""
        pupils, capacity = str(190 + 5 * r), str(210 + 5 * r)
        if r == 3:
            pupils = ""
        if r == 4:
            capacity = ""
        if r == 8:
            pupils = capacity = ""
        if r == 6:
            pupils, capacity = "450", "420"
        fsm = {11: "", 14: "SUPP"}.get(r, f"{8 + (r * 7) % 30}.{r % 10}")
        trust = TRUSTS.get(("P", r))
        group = "Academies" if trust and trust[2] != "Supported by a trust" else (
            "Free Schools" if r == 30 else "Local authority maintained schools")
        ofsted = GRADES_PRIMARY.get(r, "Outstanding" if r >= 40 else "Good")
        rows.append(row(110000 + r, la, PRIMARY_NAMES.get(r, f"Primary School {r}"),
                        "Middle deemed primary" if r == 47 else "Primary", group=group,
                        status="Open, but proposed to close" if r == 13 else "Open",
                        easting=easting, northing=northing, pupils=pupils, capacity=capacity,
                        fsm=fsm, ofsted=ofsted, trust=trust))
    for r in range(12):
        la = LA_CODES[r % 3]
        easting, northing = position(la, r // 3, 2, 4000)
        trust = TRUSTS.get(("S", r))
        phase = {10: "Middle deemed secondary", 11: "All-through"}.get(r, "Secondary")
        rows.append(row(120000 + r, la, f"Secondary School {r}" if r else "Café Academy, Bury",
                        phase, group="Academies" if trust else "Local authority maintained schools",
                        easting=easting, northing=northing, pupils=str(800 + 40 * r),
                        capacity=str(900 + 40 * r), fsm="" if r == 2 else f"{12 + r}.5",
                        ofsted=GRADES_SECONDARY.get(r, "Good"), trust=trust))
    return rows


def skipped_rows():
    """Rows skipped for their status, type group, phase, duplicate URN or location."""
    e, n = position(350, 5, 4, 1500)
    return [
        row(130001, 350, "Old Mill Primary School", "Primary", status="Closed", easting=e, northing=n,
            pupils="120", capacity="210", fsm="20.0"),
        row(130002, 351, "Former Bury High School", "Secondary", status="Closed", easting=e, northing=n,
            pupils="", capacity="900", fsm=""),
        row(130003, 352, "New Islington Free Primary", "Primary", group="Free Schools",
            status="Proposed to open", easting=e, northing=n),
        row(130004, 351, "Bury Preparatory School", "Primary", group="Independent schools",
            easting=e, northing=n, pupils="180", capacity="200", ofsted=""),
        row(130005, 352, "Manchester Tutorial College", "Not applicable", group="Independent schools",
            easting=e, northing=n, pupils="60", capacity="80", ofsted=""),
        row(130006, 350, "Green Fold Special School", "Not applicable", group="Special schools",
            easting=e, northing=n, pupils="90", capacity="100", fsm="45.0"),
        row(130007, 350, "Bolton Nursery School", "Nursery", easting=e, northing=n, pupils="80",
            capacity="90", fsm="30.0"),
        row(130008, 352, "Manchester Sixth Form College", "16 plus", group="Free Schools",
            easting=e, northing=n, pupils="700", capacity="800"),
        row(130009, 351, "Bury Pupil Referral Unit", "Not applicable", easting=e, northing=n,
            pupils="40", capacity="50", fsm="60.0"),
        row(110000, 350, "St Mary's Primary School (duplicate entry)", "Primary", easting=e,
            northing=n, pupils="200", capacity="210", fsm="10.0"),
        row(130013, 906, "Five Islands School", "Primary", pupils="150", capacity="200", fsm="5.0"),
    ]


def to_line(fields):
    """One CSV line (quoted where needed, doubled quotes, CRLF)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(fields)
    return buffer.getvalue()


def malformed_lines():
    """Rows a strict reader must reject: wrong field counts and an unparsable number."""
    e, n = position(351, 6, 4, 1500)
    short = row(130010, 351, "Truncated Row Primary", "Primary", easting=e, northing=n)
    short_line = to_line([short[c] for c in COLUMNS][:20])
    # An unquoted comma in the name: one field too many.
    extra = row(130011, 352, "St Peter, St Paul Primary", "Primary", easting=e, northing=n,
                pupils="200", capacity="210", fsm="15.0")
    fields = [extra[c] for c in COLUMNS]
    extra_line = ",".join(f.replace('"', "") for f in fields) + "\r\n"
    bad_number = row(130012, 350, "Typo Primary School", "Primary", easting="38x500",
                     northing="409000", pupils="200", capacity="210", fsm="12.0")
    return short_line, extra_line, to_line([bad_number[c] for c in COLUMNS])


def write_register():
    kept = kept_rows()
    skipped = skipped_rows()
    short_line, extra_line, bad_line = malformed_lines()
    lines = [to_line(COLUMNS)]
    # Interleave so skipped and malformed rows sit between kept ones (as in a real file).
    for k, r in enumerate(kept):
        lines.append(to_line([r[c] for c in COLUMNS]))
        if k % 6 == 5 and skipped:
            r = skipped.pop(0)
            lines.append(to_line([r[c] for c in COLUMNS]))
        if k == 20:
            lines.append(short_line)
        if k == 33:
            lines.append(extra_line)
        if k == 44:
            lines.append(bad_line)
    lines += [to_line([r[c] for c in COLUMNS]) for r in skipped]
    text = "".join(lines)
    (HERE / "fixture_register.csv").write_bytes(text.encode("cp1252"))
    return len(lines) - 1


def write_attainment():
    ks2 = [["RECTYPE", "LEA", "ESTAB", "URN", "SCHNAME", "TELIG", "PTFSM6CLA1A", "PTRWM_EXP", "PTRWM_HIGH"]]
    for r in range(48):
        value = f"{30 + r}%" if r % 2 == 0 else str(30 + r)
        ks2.append(["1", str(LA_CODES[r % 3]), str(2000 + r), str(110000 + r),
                    PRIMARY_NAMES.get(r, f"Primary School {r}"), "30", "20%", value, "5%"])
    ks2 += [
        # The all-through school is secondary: its KS2 value is ignored.
        ["1", "352", "2011", "120011", "Secondary School 11", "30", "15%", "71%", "9%"],
        ["1", "350", "2001", "130001", "Old Mill Primary School", "25", "30%", "55%", "4%"],
        ["1", "351", "2004", "130004", "Bury Preparatory School", "12", "SUPP", "SUPP", "SUPP"],
        ["2", "350", "", "", "Bolton", "3000", "22%", "61%", "7%"],
        ["4", "", "", "", "England", "650000", "24%", "61%", "8%"],
    ]
    ks4 = [["RECTYPE", "LEA", "URN", "SCHNAME", "TPUP", "ATT8SCR", "P8MEA", "PTL2BASICS_94"]]
    for r in range(12):
        ks4.append(["1", str(LA_CODES[r % 3]), str(120000 + r), f"Secondary School {r}", "150",
                    f"{35 + 2 * r:.1f}", f"{(r - 6) / 10:.2f}", "60"])
    ks4 += [
        ["1", "351", "130002", "Former Bury High School", "0", "NE", "NE", "NE"],
        ["2", "350", "", "Bolton", "3000", "44.1", "-0.05", "62"],
    ]
    for name, rows in (("fixture_ks2.csv", ks2), ("fixture_ks4.csv", ks4)):
        (HERE / name).write_bytes("".join(to_line(r) for r in rows).encode("cp1252"))


def write_large_register(rows, path):
    """A register of `rows` rows for timing the importer (not committed): the fixture's rows
    repeated with new URNs, spread over 150 LAs across England's grid."""
    pattern = kept_rows() + skipped_rows()
    lines = [to_line(COLUMNS)]
    for k in range(rows):
        r = dict(pattern[k % len(pattern)])
        la = 300 + (k // 7) % 150
        r["URN"] = str(200000 + k)
        r["LA (code)"], r["LA (name)"] = str(la), f"Authority {la}"
        if r["Easting"] and r["Easting"][0].isdigit():
            r["Easting"] = str(int(r["Easting"]) - 371500 + 150000 + 30000 * ((la - 300) % 15))
            r["Northing"] = str(int(r["Northing"]) - 409000 + 100000 + 90000 * ((la - 300) // 15))
        lines.append(to_line([r[c] for c in COLUMNS]))
    Path(path).write_bytes("".join(lines).encode("cp1252"))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, help="write a large register of ROWS rows instead (timing)")
    parser.add_argument("--output", help="file for --rows")
    args = parser.parse_args()
    if args.rows:
        write_large_register(args.rows, args.output or "large_register.csv")
        print(f"wrote {args.output or 'large_register.csv'} ({args.rows} data rows)")
    else:
        n = write_register()
        write_attainment()
        print(f"wrote {HERE / 'fixture_register.csv'} ({n} data rows), fixture_ks2.csv, fixture_ks4.csv")
