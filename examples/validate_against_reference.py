"""Check the detected steps against reference contact times, as a validation study would.

    python examples/validate_against_reference.py [RECORDING REFERENCE]

Without arguments it uses the bundled Mobilise-D recordings and their INDIP references
(``datasets/*.ref.json``): per recording and pooled, the same numbers as ``imu-gait score`` and
``imu-gait batch datasets --score-references``. REFERENCE may also be a CSV column of contact
times in seconds on the recording's time axis.
"""
import sys
from pathlib import Path

import imu_gait
from imu_gait.evaluation import scores_from_counts
from imu_gait.scoring import read_reference, score_steps

DATA = Path(__file__).parent.parent / "datasets"
BUNDLED = ("HA001_walk1", "HA001_daily", "HA002_daily")
pairs = ([(Path(sys.argv[1]), Path(sys.argv[2]))] if len(sys.argv) > 2 else
         [(DATA / f"mobgap_{s}.csv", DATA / f"mobgap_{s}.ref.json") for s in BUNDLED])
tp = fp = fn = 0
for rec_path, ref_path in pairs:
    try:
        rec = imu_gait.read(rec_path)
        res = imu_gait.analyze(rec)
        s = score_steps(res.steps["time_s"], read_reference(ref_path),
                        recording_span_s=(rec.time_s[0], rec.time_s[-1]),
                        time_offset_s=rec.meta.get("time_offset_s") or 0.0)   # a reference on the file's own clock
    except imu_gait.ImuGaitError as err:
        sys.exit(f"error: {err}")
    tp, fp, fn = tp + s["tp"], fp + s["fp"], fn + s["fn"]
    print(f"{rec_path.name}: F1 {s['f1']:.3f} ({s['tp']} matched, {s['fn']} missed, {s['fp']} false), "
          f"median timing error {s['median_abs_err_ms']:.0f} ms, scored over {s['scope']}")
pooled = scores_from_counts(tp, fp, fn)
print(f"pooled over {len(pairs)} recording(s): F1 {pooled['f1']:.3f}")
