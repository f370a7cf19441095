"""Check the detected steps against reference contact times, as a validation study would.

    python examples/validate_against_reference.py [RECORDING REFERENCE]

Without arguments it scores every bundled recording in ``datasets/`` that has a reference beside it
(``X.csv`` with ``X.ref.json``: the Mobilise-D walks against INDIP, the Oxford phones against their
insole pads), per recording and pooled — the same recordings and numbers as ``imu-gait batch datasets
--score-references`` (per recording: ``imu-gait score``). A reference that saw no walking (its bouts list
is empty) is not scored, as batch does. REFERENCE may also be a CSV column of contact times in seconds
on the recording's time axis.
"""
import sys
from pathlib import Path

import imu_gait
from imu_gait.batch import reference_for
from imu_gait.evaluation import scores_from_counts
from imu_gait.scoring import NoReferenceWalking, read_reference, score_steps

DATA = Path(__file__).parent.parent / "datasets"
if len(sys.argv) > 2:
    pairs = [(Path(sys.argv[1]), Path(sys.argv[2]))]
else:
    pairs = [(p, reference_for(p)) for p in sorted(DATA.glob("*.csv")) if reference_for(p) is not None]
    if not pairs:
        sys.exit(f"error: no recording with a reference beside it in {DATA}\n"
                 "What to do: run this from the imu_gait repository, or give RECORDING REFERENCE")
tp = fp = fn = n_scored = 0
for rec_path, ref_path in pairs:
    try:
        rec = imu_gait.read(rec_path)
        res = imu_gait.analyze(rec)
        s = score_steps(res.steps["time_s"], read_reference(ref_path),
                        recording_span_s=(rec.time_s[0], rec.time_s[-1]),
                        time_offset_s=rec.meta.get("time_offset_s") or 0.0)   # a reference on the file's own clock
    except NoReferenceWalking:
        print(f"{rec_path.name}: not scored: the reference marks no walking (its bouts list is empty)")
        continue
    except imu_gait.ImuGaitError as err:
        sys.exit(f"error: {err}")
    tp, fp, fn, n_scored = tp + s["tp"], fp + s["fp"], fn + s["fn"], n_scored + 1
    print(f"{rec_path.name}: F1 {s['f1']:.3f} ({s['tp']} matched, {s['fn']} missed, {s['fp']} false), "
          f"median timing error {s['median_abs_err_ms']:.0f} ms, scored over {s['scope']}")
if n_scored:
    pooled = scores_from_counts(tp, fp, fn)
    print(f"pooled over {n_scored} recording(s): F1 {pooled['f1']:.3f} (precision {pooled['precision']:.3f}, "
          f"recall {pooled['recall']:.3f}; {tp} matched, {fn} missed, {fp} false)")
