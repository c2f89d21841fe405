#!/usr/bin/python3
"""bench/replicate_patients.py: scale a demo database up for the console's
benchmark (bench/console_dashboard.py) by copying its patients and their
clinical records FACTOR - 1 more times under new ids, in plain SQL.

    bench/replicate_patients.py DB FACTOR

Why not `yizhenctl demo --patients 1000000`: that goes through the real store
(validation, outbox, search keys) and takes over 12 minutes on a quiet 2-core
machine, an hour on a loaded one; the console reads counts and worklists,
which care about how many rows there are, not how each was made. The copies
keep their village, household, clinic day and clinician, so a township holds
FACTOR times its patients and follow-ups. A copy's id is its original's with
the first character replaced by a letter outside hex ('g' + k), so no copy
collides with an original or another copy, and every patient_id,
encounter_id, screening_id and referral_id of a copy points into the same
copy. Not for anything that syncs: copies have no outbox rows and no search
keys.
"""

import sqlite3
import sys

# Record kinds copied, and their columns that name another copied record.
KINDS = {
    "patient": ["id", "merged_into"],
    "encounter": ["id", "patient_id", "supersedes_id"],
    "observation": ["id", "patient_id", "encounter_id"],
    "screening": ["id", "patient_id", "encounter_id"],
    "referral": ["id", "patient_id", "screening_id", "encounter_id"],
    "follow_up": ["id", "patient_id", "screening_id", "referral_id"],
    "dispense": ["id", "patient_id", "encounter_id"],
}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    db, factor = argv[0], int(argv[1])
    c = sqlite3.connect(db)
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("PRAGMA synchronous = OFF")
    originals = c.execute("SELECT count(*) FROM patient WHERE id NOT GLOB '[g-z]*'").fetchone()[0]
    have = c.execute("SELECT count(*) FROM patient").fetchone()[0]
    if have >= originals * factor:
        print("%s already holds %d patients" % (db, have))
        return 0
    with c:
        for k in range(1, factor):
            letter = chr(ord("g") + k - 1)
            for kind, ids in KINDS.items():
                cols = [r[1] for r in c.execute("SELECT * FROM pragma_table_info(?)", (kind,)) if r[1] != "rid"]
                exprs = [("CASE WHEN %s IS NULL THEN NULL ELSE '%s' || substr(%s, 2) END" % (col, letter, col))
                         if col in ids else col for col in cols]
                c.execute("INSERT INTO %s (%s) SELECT %s FROM %s WHERE id NOT GLOB '[g-z]*'"
                          % (kind, ", ".join(cols), ", ".join(exprs), kind))
            print("copy %d of %d made" % (k, factor - 1), flush=True)
    print("%s: %d patients" % (db, c.execute("SELECT count(*) FROM patient").fetchone()[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
