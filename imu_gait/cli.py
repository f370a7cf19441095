"""The ``imu-gait`` command.

``imu-gait analyze FILE`` reads a recording (any supported format), runs the analysis engine
and prints a calm summary; ``--json``, ``--steps-csv`` and ``--report`` write the JSON
contract, one row per step, and a self-contained HTML report. ``imu-gait batch PATH…``
does the same for many recordings into one summary table (:mod:`imu_gait.batch`).

``live``, ``scan``, ``simulate`` … come from :mod:`imu_gait.devices.cli_live` when it is
installed: that module provides ``register(subparsers)``, which adds its sub-commands, each
with ``set_defaults(func=handler)`` where ``handler(args) -> int | None`` (the exit code).

Exit codes: 0 success; 1 ``batch`` finished but some recordings failed (listed in the table);
2 a mistake the user can fix (bad file, bad option, command not
available; the message goes to stderr, no traceback); 130 interrupted. Programming errors
propagate with their traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import json
import os
import shutil
import sys
from typing import Any, Callable, Iterator, Sequence

from .errors import ImuGaitError, RecordingError, command_line_words
from .marks import attach_marks, marks_for
from .terminal_text import terminal_safe
from .recording import BODY_HEIGHT_RANGE_M, SENSOR_HEIGHT_RANGE_M
from .treadmill import INCLINE_RANGE_PCT, SPEED_RANGE_MPS, with_sidecar_schedule
from ._output_file import atomic_text_file, write_text_atomically

#: --walking-aid's choices: imu_gait.strain.WALKING_AIDS, written out so that the command's start does not load the
#: rules and pandas (tests/test_walking_aids.py checks that the two agree)
WALKING_AIDS = ("rollator", "cane", "poles", "desk")

PROG = "imu-gait"
#: Recordings longer than this get a progress bar (on a terminal only).
PROGRESS_ABOVE_S = 180.0

ACC_UNITS = {"g": "g", "m/s2": "m/s2", "m/s^2": "m/s2", "m/s²": "m/s2", "mps2": "m/s2", "mg": "mg"}
GYRO_UNITS = {"deg/s": "deg/s", "dps": "deg/s", "rad/s": "rad/s", "rps": "rad/s"}
TIME_UNITS = ("s", "ms", "us", "ns", "datetime", "samples")
#: the belt-speed range in km/h (rounded: 0.1 × 3.6 is 0.36000000000000004)
SPEED_RANGE_KMH = tuple(round(v * 3.6, 6) for v in SPEED_RANGE_MPS)


# ---------------------------------------------------------------- outputs
@contextlib.contextmanager
def writing(opt: str, path: Any) -> Iterator[None]:
    """Around the write of one output file: a write the system refuses (a read-only file, a path
    under /proc, a full disk) becomes the project's error naming the option and the file, not a
    traceback. The checks before the analysis (:func:`_check_paths`) cannot foresee all of these:
    running as root passes ``os.access``, and a disk can fill while the walk is analysed."""
    try:
        yield
    except BrokenPipeError:      # stdout closed by the reader ('| head'): main() treats that as done
        raise
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ImuGaitError(f"{opt} {path}: could not write it ({reason}); choose a path you can write to") \
            from None


#: what each output option writes: (what it is, the endings that name it)
OUTPUT_KINDS = {"--report": ("an HTML page", (".html", ".htm")), "--json": ("JSON", (".json",)),
                "--steps-csv": ("a CSV table", (".csv", ".txt")), "--out": ("a CSV table", (".csv", ".txt")),
                "--record": ("a native CSV recording", (".csv",)),
                "--events-csv": ("a CSV table", (".csv", ".txt")), "--flags-csv": ("a CSV table", (".csv", ".txt")),
                "--bouts-csv": ("a CSV table", (".csv", ".txt")), "--days-csv": ("a CSV table", (".csv", ".txt")),
                "--timeline-csv": ("a CSV table", (".csv", ".txt"))}
#: endings that name another kind of file: an output under such a name would not open as the user
#: expects ('--report walk.pdf' wrote an HTML page into walk.pdf, which a PDF viewer refuses); any
#: other name (none, '.out', '.report') is taken as given
FOREIGN_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".svg", ".gif", ".html", ".htm", ".json", ".csv", ".tsv",
                    ".txt", ".xlsx", ".xls", ".ods", ".doc", ".docx", ".odt", ".md", ".zip", ".parquet", ".xml")


def check_output_name(opt: str, path: str) -> None:
    """Refuse an output name whose ending says another kind of file (``--report walk.pdf``,
    ``--steps-csv steps.xlsx``), saying what the option writes and what to do instead."""
    if opt not in OUTPUT_KINDS or path == "-":
        return
    what, endings = OUTPUT_KINDS[opt]
    suffix = os.path.splitext(path)[1].lower()
    if suffix in endings or suffix not in FOREIGN_SUFFIXES:
        return
    hint = f"give a name ending {endings[0]}"
    if opt == "--report" and suffix == ".pdf":
        hint += ("; for a PDF, open the page in a browser and print it to PDF (the page has a print layout, "
                 "and its plots are drawn in it)")
    elif suffix in (".xlsx", ".xls", ".ods") and "CSV" in what:
        hint += "; Excel and LibreOffice open the CSV directly"
    elif opt == "--report" and suffix in (".png", ".jpg", ".jpeg", ".svg", ".gif"):
        hint += "; the page holds the plots (save one from the browser if you need an image)"
    raise ImuGaitError(f"{opt} {path}: {opt} writes {what}, not a {suffix} file\n  What to do: {hint}")


def probe_writable(opt: str, path: str) -> None:
    """Refuse, before a long analysis, an output file the system will not let us write (the
    permission bits are not enough: root passes them, /proc has none that say so). An existing
    file is opened for appending and closed unchanged; for a new one a scratch file is made beside
    it and removed, so nothing is left behind if the run stops before writing."""
    import tempfile

    with writing(opt, path):
        existing = os.path.exists(path)
        if existing:
            # opened to write without O_CREAT nor O_TRUNC: an existing file is left as it was (bytes and time),
            # and one removed since the look above is not made again as a stray empty file (review s43)
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
            except FileNotFoundError:
                existing = False
        if not existing:
            folder = os.path.dirname(os.path.abspath(path))
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".imu_gait_"):
                pass
            # the scratch file's short name passes where the output's own may be too long for the file system
            # (255 bytes on most): say so now, not after the analysis
            try:
                name_max = os.pathconf(folder, "PC_NAME_MAX")
            except (AttributeError, OSError, ValueError):
                name_max = 255
            if len(os.fsencode(os.path.basename(path))) > name_max:
                raise OSError(errno.ENAMETOOLONG, f"{os.strerror(errno.ENAMETOOLONG)}: more than {name_max} "
                                                  f"bytes; use a shorter name", path)


# ---------------------------------------------------------------- argument types
#: other units a number out of range may have been typed in: (factor to the option's unit, name, how to say it)
LENGTH_SLIPS = ((0.01, "cm", "{v:g} cm"), (0.3048, "feet", "{v:g} ft"), (0.0254, "inches", "{v:g} in"))
MINUTE_SLIPS = ((60.0, "minutes", "{v:g} min"),)
SPEED_SLIPS = ((1 / 3.6, "km/h", "--belt-speed-kmh {v:g}"), (0.44704, "mph", "{v:g} mph"))


def number_in_range(lo: float, hi: float, unit: str,
                    slips: tuple[tuple[float, str, str], ...] = (), decimals: int = 2) -> Callable[[str], float]:
    """argparse type: a float within [lo, hi] (``unit`` names it in the error message). ``slips``: other
    units the number may have been typed in; those that would put it in range are named (a height of
    172 → 'in cm? 172 cm = 1.72 m'), the converted number with ``decimals`` decimals."""
    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            comma = text.strip().replace(",", ".", 1)
            if "," in text and comma.replace(".", "", 1).lstrip("+-").isdigit():
                # '5,0' as written where the decimal mark is a comma: say what the command line takes
                raise argparse.ArgumentTypeError(f"{text!r} is not a number: write the decimal point as '.', "
                                                 f"e.g. {comma}") from None
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not (lo <= v <= hi):
            fits = [f"in {name}? {said.format(v=v)} = {v * k:.{decimals}f} {unit}" for k, name, said in slips
                    if lo <= v * k <= hi]
            raise argparse.ArgumentTypeError(f"{v:g} {unit} is outside the plausible range {lo:g}–{hi:g} {unit}"
                                             + (f" ({'; '.join(fits)})" if fits else ""))
        return v
    return parse


def _columns(text: str) -> list[str]:
    cols = [c.strip() for c in text.split(",") if c.strip()]
    if len(cols) != 3:
        raise argparse.ArgumentTypeError(f"expected three comma-separated column names (x,y,z), got {text!r}")
    return cols


def _unit(table: dict[str, str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        key = text.strip().lower()
        if key not in table:
            raise argparse.ArgumentTypeError(f"unknown unit {text!r}; use one of {', '.join(sorted(set(table.values())))}")
        return table[key]
    return parse


def _pseudonym(text: str) -> str:
    # (an empty name would have left the outputs named by the path without a word)
    if not text.strip():
        raise argparse.ArgumentTypeError("give a name, e.g. --pseudonym P07")
    return text.strip()


def _delimiter(text: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "space": " "}
    d = named.get(text.lower(), text)
    if len(d) != 1:
        raise argparse.ArgumentTypeError(f"a delimiter is one character (or tab/comma/semicolon/space), got {text!r}")
    return d


# ---------------------------------------------------------------- parser
class Parser(argparse.ArgumentParser):
    """argparse with a short error: one usage line and the pointer to --help, not the whole usage block (18 lines
    for analyze, in which the error itself was lost)."""

    def short_usage(self) -> str:
        words = [self.prog]
        for a in self._actions:
            if isinstance(a, argparse._SubParsersAction):
                words.append("COMMAND …")
            elif not a.option_strings:
                name = a.metavar or a.dest.upper()
                words.append({"+": f"{name} …", "*": f"[{name} …]", "?": f"[{name}]"}.get(a.nargs, name))
        return f"usage: {' '.join(words)} [options]   (all options: {self.prog} --help)"

    def error(self, message: str) -> None:  # type: ignore[override]
        import difflib
        import re

        typo = re.search(r"invalid choice: '([^']*)'", message)
        subs = next((a for a in self._actions if isinstance(a, argparse._SubParsersAction)), None)
        if typo and subs is not None:           # 'imu-gait analyz': the command meant
            close = difflib.get_close_matches(typo[1], list(subs.choices), n=1, cutoff=0.6)
            message += f" (did you mean {close[0]}?)" if close else ""
        self.exit(2, f"{self.short_usage()}\n{self.prog}: error: {message}\n")


def did_you_mean(parser: argparse.ArgumentParser, words: Sequence[str]) -> str:
    """' (did you mean --belt-speed-kmh?)' for the first misspelt option among ``words``, by difflib; '' if none
    is close."""
    import difflib

    known = [s for a in parser._actions for s in a.option_strings if s.startswith("--")]
    for w in words:
        if w.startswith("--"):
            close = difflib.get_close_matches(w.split("=", 1)[0], known, n=1, cutoff=0.75)
            if close:
                return f" (did you mean {close[0]}?)"
    return ""


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = Parser(
        prog=PROG, description="Trunk-worn IMU gait monitor: steps, cadence, bounce, twist, lean, sway and "
                               "back-strain flags, from a recording or live.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_analyze(sub)
    _add_batch(sub)
    _add_compare(sub)
    _add_score(sub)
    _add_device_commands(sub)
    return parser


def _add_analyze(sub: Any) -> None:
    p = sub.add_parser(
        "analyze", aliases=["analyse"], help="analyse a recording and print a summary (optionally JSON, steps CSV, HTML report)",
        description="Analyse a trunk IMU recording (native CSV, phyphox, Sensor Logger, GENEActiv, or any CSV "
                    "with the column options) and print a summary.",
        epilog="example: imu-gait analyze walk.csv --report walk.html --json walk.json")
    p.add_argument("file", metavar="FILE", help="recording file or export folder/zip")
    out = p.add_argument_group("outputs")
    out.add_argument("--json", metavar="OUT", help="write the result as JSON ('-' for stdout)")
    out.add_argument("--steps-csv", metavar="OUT", help="write one row per step as CSV ('-' for stdout)")
    out.add_argument("--flags-csv", metavar="OUT",
                     help="write one row per back-strain flag as CSV: when, how strong, the evidence, cause and "
                          "what to try ('-' for stdout)")
    out.add_argument("--bouts-csv", metavar="OUT",
                     help="write one row per walking bout as CSV: start, end, duration, steps, turns and each "
                          "metric's median in that bout ('-' for stdout)")
    out.add_argument("--days-csv", metavar="OUT",
                     help="write one row per calendar day as CSV: hours recorded and worn, whether the day counts "
                          "(worn >= 10 h, or --valid-day-hours), its steps and walking bouts ('-' for stdout)")
    out.add_argument("--timeline-csv", metavar="OUT",
                     help="write the smoothed series the flags are judged on and your baselines, second by second, "
                          "as CSV: the lines of the report's 'Metrics over time' ('-' for stdout)")
    out.add_argument("--export-dir", metavar="DIR",
                     help="write a research export into DIR: steps (with wall-clock time), minutes, bouts, "
                          "settings and a data dictionary as tidy CSV tables keyed on 'recording' (README)")
    out.add_argument("--report", metavar="OUT.html",
                     help="write a self-contained HTML report with plots ('-' for stdout)")
    out.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    out.add_argument("--anonymise", "--anonymize", action="store_true",
                     help="outputs to share: the recording is named 'recording' (or --pseudonym) instead of its "
                          "path, with no wall-clock date or time (days counted from the first sample, times in "
                          "seconds from it), no device name or serial and no header text (README, 'What the "
                          "outputs contain'); the metrics do not change")
    out.add_argument("--pseudonym", metavar="NAME", type=_pseudonym,
                     help="the name the outputs give the recording (implies --anonymise)")
    p.add_argument("--marks", metavar="FILE.csv",
                   help="symptom marks — when your back hurt, 0–10 — to set beside the gait (time,pain,note; time "
                        "since the recording began, s or m:ss). Default: walk.marks.csv beside walk.csv, as "
                        "'imu-gait live' saves it when you press p")
    add_context_options(p.add_argument_group("context (improves the metrics when given)"))
    add_read_options(p)
    p.set_defaults(func=cmd_analyze)


def _add_score(sub: Any) -> None:
    p = sub.add_parser(
        "score", help="score the detected steps against reference contact times of your own",
        description="Analyse a recording and match its steps with reference contact times (a force plate, "
                    "instrumented insoles, foot sensors …) by the accuracy benchmark's rule: one to one, nearest "
                    "first, within ± a tolerance. Prints precision, recall, F1, the timing error and the "
                    "step-count error.",
        epilog="example: imu-gait score walk.csv insoles.csv --ref-col heel_strike_s --events-csv events.csv")
    p.add_argument("file", metavar="FILE", help="recording file or export folder/zip")
    p.add_argument("reference", metavar="REFERENCE",
                   help="the reference contact times: a CSV column (header optional) or a JSON file "
                        "({\"ic_times_s\": [...]} with optional \"bouts\", as datasets/*.ref.json), in seconds on "
                        "the recording's time axis (or on the file's own time column)")
    sc = p.add_argument_group("scoring")
    sc.add_argument("--ref-col", metavar="NAME", help="the reference CSV's column (name or 0-based index; default: "
                                                      "the first)")
    sc.add_argument("--ref-unit", choices=("s", "ms"), default="s", help="unit of the reference times (default s)")
    sc.add_argument("--tolerance", metavar="S", type=number_in_range(0.02, 1.0, "s"), default=0.25,
                    help="largest |detected − reference| for a match, in s (default 0.25, as the benchmarks)")
    sc.add_argument("--only-reference-span", action="store_true",
                    help="score only from the first reference contact to the last (a force plate or a camera "
                         "that saw part of the walk); default: the whole recording, or a JSON reference's bouts")
    out = p.add_argument_group("outputs")
    out.add_argument("--json", metavar="OUT", help="write the scores and every event as JSON ('-' for stdout)")
    out.add_argument("--events-csv", metavar="OUT",
                     help="write every matched pair, missed contact and false step as CSV ('-' for stdout)")
    out.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    # (scoring matches steps: the options that only change the flags or the figures per day are left out)
    add_context_options(p.add_argument_group("context (as for analyze)"),
                        leave_out=("--incline", "--max-incline", "--baseline", "--valid-day-hours",
                                   "--walking-aid", "--desk"))
    add_read_options(p)
    p.set_defaults(func=cmd_score)


def add_read_options(p: argparse.ArgumentParser) -> None:
    """Options for CSVs the readers cannot auto-detect (read by :func:`read_options`)."""
    rd = p.add_argument_group("reading other CSV files (auto-detected formats need none of these)")
    rd.add_argument("--format", choices=("native", "phyphox", "sensorlogger", "geneactiv", "androsensor", "generic"),
                    help="skip auto-detection and use this reader")
    rd.add_argument("--time-col", metavar="NAME",
                    help="name (or 0-based index) of the time column; 'none' if the file has none (needs "
                         "--sample-rate)")
    rd.add_argument("--time-unit", metavar="UNIT", choices=TIME_UNITS,
                    help="unit of the time column: s, ms, us, ns, datetime, or samples (a sample/packet counter, "
                         "with --sample-rate)")
    rd.add_argument("--sample-rate", metavar="HZ", type=float, dest="sample_rate_hz",
                    help="sampling rate, for a time column that counts samples (jumps in it are kept as gaps) "
                         "or a file with no time column")
    rd.add_argument("--acc-cols", metavar="X,Y,Z", type=_columns,
                    help="the three acceleration columns (names or 0-based indices)")
    rd.add_argument("--acc-unit", metavar="UNIT", type=_unit(ACC_UNITS), help="acceleration unit: g, m/s2 or mg")
    rd.add_argument("--gyro-cols", metavar="X,Y,Z", type=_columns, help="the three angular-rate columns")
    rd.add_argument("--gyro-unit", metavar="UNIT", type=_unit(GYRO_UNITS), help="angular-rate unit: deg/s or rad/s")
    rd.add_argument("--delimiter", metavar="CHAR", type=_delimiter, help="field separator (e.g. ';' or tab)")
    rd.add_argument("--skiprows", metavar="N", type=int, help="lines to skip before the header")
    rd.add_argument("--day-first", action="store_const", const=True, default=None, dest="day_first",
                    help="dates in the time column are day-first (05/03/2024 = 5 March). Without it: dd.mm.yyyy is "
                         "day-first, nn/nn/yyyy as its values show (a first field over 12: day-first), else "
                         "month-first with a warning")


def _add_compare(sub: Any) -> None:
    p = sub.add_parser(
        "compare", help="compare walks side by side (is the gait changing from session to session?)",
        description="One column per walk, one row per key metric (median over its steps), walking time and "
                    "the back-strain flags, and the change from the first walk to the last. Each walk is a "
                    "recording (analysed now, with the context options below) or a result JSON written by "
                    "'imu-gait analyze --json' or 'live' (used as it was analysed).",
        epilog="example: imu-gait compare week1.json week3.json week6.csv --out progress.csv")
    p.add_argument("paths", nargs="+", metavar="WALK",
                   help="recordings or result JSON files; put oldest first by when they were recorded where every "
                        "one says so (else taken in the order given: oldest first)")
    p.add_argument("--keep-order", action="store_true",
                   help="keep the walks in the order given, even where their start times say another")
    p.add_argument("--labels", metavar="A,B,…", type=lambda s: [x.strip() for x in s.split(",")],
                   help="column names (default: the file names)")
    p.add_argument("--out", metavar="OUT.csv", help="also write the table as CSV")
    p.add_argument("--report", metavar="OUT.html", help="also write a self-contained HTML page with a panel per metric")
    p.add_argument("--anonymise", "--anonymize", action="store_true",
                   help="outputs to share: the walks are named recording-001, recording-002 … in the order given "
                        "(or by --labels) instead of by their files, and the page leaves out their files and dates; "
                        "this console says which file each is. The numbers do not change")
    add_context_options(p.add_argument_group("context for recordings analysed now"),
                        leave_out=("--valid-day-hours",))       # (the comparison shows no figures per day)
    add_read_options(p)
    p.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    from .compare import (comparability_notes, compare_sessions, load_session, render_comparison,
                          render_comparison_html, session_label)

    from pathlib import Path

    from .batch import is_export_folder, output_table_kind, spreadsheet_safe
    from .errors import HintedError

    for p in args.paths:
        # a clinic keeps a patient's walks in a folder: naming it read 'compare needs at least two walks', or
        # (beside a file) 'unknown recording format: this folder matches none of the formats' (clinic audit s38)
        if os.path.isdir(p) and not is_export_folder(Path(p)):
            pattern = "*.json" if any(Path(p).glob("*.json")) else "*.csv"
            raise HintedError(f"{p} is a folder: compare takes the walks themselves, each a recording or a result "
                              "JSON", hint=f"name them, e.g. imu-gait compare {os.path.join(p, pattern)} — they are "
                                           "put oldest first where each says when it was recorded")
    if len(args.paths) == 1 and os.path.isfile(args.paths[0]) \
            and output_table_kind(Path(args.paths[0])) == "batch summary table":
        load_session(args.paths[0])    # raises: a batch's table is no walk, and it says what to give instead
    if len(args.paths) < 2:
        raise ImuGaitError("compare needs at least two walks (recordings or result JSON files)")
    if args.labels is not None and len(args.labels) != len(args.paths):
        raise ImuGaitError(f"--labels gives {len(args.labels)} names for {len(args.paths)} walks")
    for opt, out in (("--out", args.out), ("--report", args.report)):
        if out and not os.path.isdir(os.path.dirname(os.path.abspath(out))):
            raise ImuGaitError(f"{opt} {out}: the folder {os.path.dirname(os.path.abspath(out))} does not exist")
        if out:
            check_output_name(opt, out)
            probe_writable(opt, out)
    context = analysis_context(args)
    labels = args.labels or [None] * len(args.paths)
    if args.anonymise and args.labels is None:
        from .batch import pseudonyms

        labels = pseudonyms(len(args.paths))
        # the key from pseudonym to file: on this console only, never in the table or the page
        for lab, p in zip(labels, args.paths):
            print(terminal_safe(f"{lab} is {p}"), file=sys.stderr)
    # recordings are analysed now (JSON results are read): a dozen weekly hour-long walks took minutes without a word,
    # so from as many as batch logs a line for, each says when it starts (weeks audit s36)
    n_analysed = sum(1 for p in args.paths if not str(p).lower().endswith(".json"))
    sessions, k = [], 0
    for p, lab in zip(args.paths, labels):
        if n_analysed >= BATCH_LOG_ABOVE and not str(p).lower().endswith(".json"):
            k += 1
            # (anonymised, by its pseudonym: the key lines above say which file each is)
            said = lab if args.anonymise and lab is not None else p
            print(terminal_safe(f"[{k}/{n_analysed}] analysing {said}"), file=sys.stderr, flush=True)
        sessions.append(load_session(p, read_options=read_options(args), context=context, label=lab))
        if args.anonymise:
            sessions[-1].source = sessions[-1].label
            if args.labels is None:     # the file's name, only to tell a file listing's order (never written)
                sessions[-1].order_name = session_label(p)
    sessions = _sessions_in_time_order(sessions, keep=args.keep_order)
    table = compare_sessions(sessions)
    text = render_comparison(table, comparability_notes(sessions))
    print(terminal_safe(text))          # (the walks' names are file names: see terminal_safe)
    wide = max(len(line) for line in text.splitlines()[:2])
    columns = shutil.get_terminal_size().columns
    if wide > columns and not args.report:
        # 12 weekly walks make a ~260-character table: a terminal wraps every row into an unreadable band
        print(f"(The table is {wide} characters wide, wider than this terminal's {columns}: --report progress.html "
              "shows it whole, with a plot per metric" + ("" if args.out else "; --out progress.csv opens in a "
                                                          "spreadsheet") + ".)", file=sys.stderr)
    if args.out:
        with writing("--out", args.out):
            # (a walk's column is named by its file: '=cmd.csv' would be a formula in a spreadsheet's header)
            with atomic_text_file(args.out, newline="", errors="surrogateescape") as fh:   # see html.py
                table.rename(columns=spreadsheet_safe).to_csv(fh, index=False, lineterminator="\n")
        print(f"Wrote comparison: {args.out}", file=sys.stderr)
    if args.report:
        page = render_comparison_html(sessions, table, anonymised=args.anonymise)
        with writing("--report", args.report):
            write_text_atomically(args.report, page, errors="surrogateescape")    # see report/html.py
        print(f"Wrote comparison page: {args.report}", file=sys.stderr)
    return 0


def _sessions_in_time_order(sessions: list[Any], *, keep: bool) -> list[Any]:
    """compare's walks oldest first by their start times where every one says when it was recorded (a shell's
    week*.json lists week 10 before week 2: the change 'last − first' and the plot's line ran out of time order),
    saying so on stderr; with ``keep`` the order given, with a warning when the start times disagree."""
    from .compare import in_time_order, session_start

    ordered = in_time_order(sessions)
    if ordered is None or all(a is b for a, b in zip(ordered, sessions)):
        return sessions

    def when(s: Any) -> str:
        return session_start(s).isoformat(sep=" ", timespec="minutes")

    if keep:
        print("Note: the walks are not oldest first by when they were recorded (kept as given, --keep-order): "
              "'change' is last − first in that order, not a change over time", file=sys.stderr)
        return sessions
    print(f"Put the walks oldest first by when they were recorded: {ordered[0].label} ({when(ordered[0])}) … "
          f"{ordered[-1].label} ({when(ordered[-1])}); --keep-order keeps the order given", file=sys.stderr)
    return ordered


def _add_batch(sub: Any) -> None:
    p = sub.add_parser(
        "batch", help="analyse many recordings into one summary table (one row per recording)",
        description="Analyse every recording under the given files and folders and write one CSV row per "
                    "recording: summary metrics, flags, or the error that stopped it. A bad file never stops "
                    "the batch; the exit code is 1 if any recording failed.",
        epilog="example: imu-gait batch recordings/ --out summary.csv --json-dir results/")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="recording files, export folders/zips, or folders of them (none: the recordings the "
                        "--context-table lists)")
    out = p.add_argument_group("outputs")
    out.add_argument("--out", metavar="OUT.csv", default="imu_gait_summary.csv",
                     help="the summary table (default: imu_gait_summary.csv)")
    out.add_argument("--json-dir", metavar="DIR", help="also write each recording's JSON result into DIR")
    out.add_argument("--steps-dir", metavar="DIR",
                     help="also write each recording's steps into DIR: one CSV per recording, one row per step "
                          "(walk.csv → walk.csv.steps.csv, as analyze --steps-csv writes it)")
    out.add_argument("--flags-csv", metavar="OUT.csv",
                     help="also write every recording's back-strain flags into one CSV: a row per flag, the "
                          "recording first (as analyze --flags-csv writes them)")
    out.add_argument("--bouts-csv", metavar="OUT.csv",
                     help="also write every recording's walking bouts into one CSV: a row per bout, the recording "
                          "first (as analyze --bouts-csv writes them)")
    out.add_argument("--days-csv", metavar="OUT.csv",
                     help="also write every recording's days into one CSV: a row per day, the recording first (as "
                          "analyze --days-csv writes them)")
    out.add_argument("--export-dir", metavar="DIR",
                     help="also write the research export of every recording into DIR: steps (with wall-clock "
                          "time), minutes, bouts, settings and a data dictionary, pooled, keyed on 'recording' "
                          "(as analyze --export-dir)")
    out.add_argument("--score-references", action="store_true",
                     help="score each recording's steps against the reference contacts beside it (walk.csv → "
                          "walk.ref.json or walk.ref.csv, as for 'imu-gait score'): ref_* columns and a pooled F1")
    out.add_argument("--ref-unit", choices=("s", "ms"), default=None,
                     help="with --score-references: unit of the references' times (default s)")
    out.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    out.add_argument("--anonymise", "--anonymize", action="store_true",
                     help="tables to share: every output names the recordings recording-001, recording-002 … (in "
                          "the order of the table made without it) instead of their paths, with no wall-clock "
                          "dates or times, device names or header text (README, 'What the outputs contain'); "
                          "the metrics do not change. Context-table columns are copied as you wrote them")
    p.add_argument("-r", "--recursive", action="store_true", help="look into sub-folders at any depth")
    p.add_argument("--follow-links", action="store_true",
                   help="also read links in the folders that lead out of them (by default they are left out and "
                        "named: a link could point at another person's recordings)")
    p.add_argument("-j", "--jobs", metavar="N", type=int, default=1,
                   help="analyse N recordings at once in separate processes (0: one per CPU; default 1)")
    ctx = p.add_argument_group("context (applies to every recording, unless the context table gives its own)")
    ctx.add_argument("--context-table", metavar="TABLE.csv",
                     help="each recording's own context and your study's columns: a CSV with a 'recording' column "
                          "(paths relative to the table) and any of height_m, sensor_height_m, belt_speed_kmh (or "
                          "_mps), incline_pct, max_incline_pct, treadmill, treadmill_schedule, baseline_s, "
                          "placement, walking_aid; other columns (subject, group …) are copied into the summary table")
    add_context_options(ctx)
    add_read_options(p)
    p.set_defaults(func=cmd_batch)


class _Without:
    """An argument group that skips the options named in ``leave_out`` (see :func:`add_context_options`)."""

    def __init__(self, group: Any, leave_out: Sequence[str]) -> None:
        self.group, self.leave_out = group, set(leave_out)

    def add_argument(self, *names: str, **kw: Any) -> Any:
        return None if self.leave_out & set(names) else self.group.add_argument(*names, **kw)

    def add_mutually_exclusive_group(self, **kw: Any) -> Any:
        return _Without(self.group.add_mutually_exclusive_group(**kw), self.leave_out)


def add_context_options(ctx: Any, leave_out: Sequence[str] = ()) -> None:
    """The walk's context options, shared by ``analyze`` and ``live`` (read by :func:`analysis_context`);
    ``leave_out``: options that mean nothing to a command (``score`` judges no flags and no days), left out of
    its parser and so of its --help."""
    if leave_out:
        ctx = _Without(ctx, leave_out)
    # the help names only the options this command has ('score' has no --incline: its help named one)
    implied = [o for o in ("--belt-speed", "--belt-speed-kmh", "--incline", "--treadmill-schedule") if o not in leave_out]
    ctx.add_argument("--treadmill", action="store_true",
                     help=f"walking on a treadmill (implied by {', '.join(implied[:-1])} and {implied[-1]}): "
                          "holding the rails is then flagged on less evidence (the rails "
                          "steady you without the drop in bounce seen overground); step length stays an estimate "
                          "unless the belt speed is given")
    belt = ctx.add_mutually_exclusive_group()
    belt.add_argument("--belt-speed", metavar="M_S", type=number_in_range(*SPEED_RANGE_MPS, "m/s", SPEED_SLIPS),
                      help="treadmill belt speed in m/s (implies --treadmill; gives exact step length)")
    belt.add_argument("--belt-speed-kmh", metavar="KM_H", type=number_in_range(*SPEED_RANGE_KMH, "km/h"),
                      help="treadmill belt speed in km/h (same as --belt-speed, other unit)")
    ctx.add_argument("--incline", metavar="PCT", type=number_in_range(*INCLINE_RANGE_PCT, "%"),
                     help="treadmill incline in %% (implies --treadmill): a forward lean that comes with an "
                          "incline is named as the incline's effort, and --max-incline is checked against it")
    ctx.add_argument("--max-incline", metavar="PCT", type=number_in_range(*INCLINE_RANGE_PCT, "%"),
                     help="the most incline (%%) you want to walk at; an entered incline above it is flagged")
    ctx.add_argument("--treadmill-schedule", metavar="FILE.csv",
                     help="belt speed / incline that change during the walk: a CSV with columns time (s or "
                          "m:ss since the recording began), belt_speed_kmh (or _mps, _mph), incline_pct; "
                          "instead of " + "/".join(o for o in ("--belt-speed", "--incline") if o not in leave_out)
                          + " (implies --treadmill)")
    ctx.add_argument("--sensor-height", metavar="M", type=number_in_range(*SENSOR_HEIGHT_RANGE_M, "m", LENGTH_SLIPS),
                     help="height of the sensor above the floor when standing, in m (step-length model; "
                          "for a chest sensor give the height of your lower back — the model's pendulum)")
    ctx.add_argument("--height", metavar="M", type=number_in_range(*BODY_HEIGHT_RANGE_M, "m", LENGTH_SLIPS),
                     help="your body height in m: without --sensor-height the sensor is taken to sit at "
                          "0.61 × it (a lower-back sensor) for the step-length model; the adult cadence bounds scale "
                          "with it (a child's brisk walk is not running, a tall runner's easy cadence not "
                          "over-striding)")
    ctx.add_argument("--baseline", metavar="S", dest="baseline_s", type=number_in_range(60, 300, "s", MINUTE_SLIPS, 0),
                     help="seconds of walking at the start that set your personal baseline, which the back-strain "
                          "flags compare with (default 180; 60–300: 2–5 minutes of easy walking is usual); a walk "
                          "shorter than twice this uses its first half")
    ctx.add_argument("--valid-day-hours", metavar="H", type=number_in_range(0.5, 24.0, "h"),
                     help="hours a calendar day must be worn to count in the figures per day of a recording of "
                          "days (default 10, the usual accelerometry criterion; Mobilise-D asks 12)")
    # any case, and 'none' (as analyze(walking_aid=…) takes them): a context table's cell 'Rollator' or 'none' was
    # refused, so one recording could not set aside the command line's aid (review s39 L3)
    ctx.add_argument("--walking-aid", choices=(*WALKING_AIDS, "none"), type=str.lower, dest="walking_aid",
                     help="the walking aid used the whole time ('none': no aid, e.g. to set aside a file's own): "
                          "'rollator' (a wheeled walker, or a stroller or "
                          "trolley pushed with both hands: holding on and its forward lean are the aid's, not "
                          "judged against the general lean limit; holding on is judged against your first minutes with it), 'cane' (a stick or one "
                          "crutch: asymmetry and pelvic-drop flags say the stick's part), 'poles' (Nordic walking: "
                          "more trunk rotation is said to be the poles'), 'desk' (a treadmill desk or a walking "
                          "pad under a desk, hands on the keyboard or desk; implies --treadmill: less trunk rotation "
                          "and sway is said to be the hands on the desk, a forward lean the screen's or desk's set-up)")
    ctx.add_argument("--desk", action="store_const", const="desk", dest="walking_aid",
                     help="walking at a treadmill desk or on a walking pad under a desk (the same as "
                          "--walking-aid desk)")
    ctx.add_argument("--placement", choices=("lower_back", "chest", "pocket"),
                     help="where the sensor is worn (default: as the file says, else 'unknown' — analysed as a "
                          "sensor on the trunk); 'lower_back' for a sensor or phone on a belt or clip at the lower "
                          "back / pelvis, the place the metrics and their typical ranges are made for; 'chest' for a chest strap or a phone in a pouch on the "
                          "chest (recorded without a gyroscope: each step also measured about its last strong rise, "
                          "not the steepest); 'pocket' for a phone in a trouser pocket: steps and "
                          "cadence only (plus step length and speed from a --belt-speed) — the back-strain rules "
                          "need a sensor on the trunk (the pocket's early/late contacts of one leg are evened out)")


def _add_device_commands(sub: Any) -> None:
    """Let :mod:`imu_gait.devices.cli_live` add ``live``/``scan``/``simulate``; else placeholders."""
    try:
        cli_live = importlib.import_module("imu_gait.devices.cli_live")
    except ImportError as exc:  # module not written/installed, or a missing optional dependency
        missing = getattr(exc, "name", None)
        reason = ("this installation has no live-device support (imu_gait.devices.cli_live is missing)"
                  if missing and missing.endswith("cli_live") else f"live-device support could not be loaded: {exc}")
        for name, what in (("live", "monitor a Bluetooth sensor live"), ("scan", "find Bluetooth sensors nearby"),
                           ("simulate", "run a simulated sensor")):
            p = sub.add_parser(name, help=f"{what} (not available)", description=f"{what} — not available: {reason}")
            p.set_defaults(func=_not_available(name, reason), accepts_any_arguments=True)
        return
    cli_live.register(sub)


def _not_available(name: str, reason: str) -> Callable[[argparse.Namespace], int]:
    def run(_args: argparse.Namespace) -> int:
        print(f"{PROG}: '{name}' is not available: {reason}.\n"
              f"  What to do: record with your sensor's app and run '{PROG} analyze FILE' on the export.",
              file=sys.stderr)
        return 2
    return run


# ---------------------------------------------------------------- analyze
def read_options(args: argparse.Namespace) -> dict[str, Any]:
    """Reader keyword arguments for :func:`imu_gait.read` (only those the user gave)."""
    names = ("format", "time_col", "time_unit", "acc_cols", "acc_unit", "gyro_cols", "gyro_unit", "delimiter",
             "skiprows", "sample_rate_hz", "day_first")
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def analysis_context(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for :func:`imu_gait.analyze` from the context options."""
    belt = args.belt_speed if args.belt_speed is not None else (
        args.belt_speed_kmh / 3.6 if args.belt_speed_kmh is not None else None)
    # an incline is entered on a treadmill's console: it says the walk was on one, as a belt speed does
    incline = getattr(args, "incline", None)           # (score has no --incline)
    ctx: dict[str, Any] = {"treadmill": bool(args.treadmill or belt is not None or incline is not None)}
    for key, value in (("belt_speed_mps", belt), ("incline_pct", incline),
                       ("sensor_height_m", args.sensor_height), ("placement", args.placement),
                       ("body_height_m", getattr(args, "height", None)),
                       ("max_incline_pct", getattr(args, "max_incline", None)),
                       ("baseline_s", getattr(args, "baseline_s", None)),
                       ("valid_day_worn_h", getattr(args, "valid_day_hours", None)),
                       ("walking_aid", getattr(args, "walking_aid", None))):
        if value is not None:
            ctx[key] = value
    schedule_file = getattr(args, "treadmill_schedule", None)
    if schedule_file is not None:
        if belt is not None or incline is not None:
            raise ImuGaitError("--treadmill-schedule gives belt speed and incline per stage; leave out "
                               "--belt-speed/--belt-speed-kmh/--incline (or put them in the schedule)")
        from .treadmill import read_schedule

        ctx["treadmill_schedule"] = read_schedule(schedule_file)
        ctx["treadmill"] = True
    return ctx


def _stdout_outputs(args: argparse.Namespace) -> list[str]:
    return [opt for opt, out in _outputs(args) if out == "-"]


def _outputs(args: argparse.Namespace) -> list[tuple[str, Any]]:
    """(option, value) of a command's output files: analyze's, or score's."""
    names = ("json", "events_csv") if hasattr(args, "events_csv") else ("json", "steps_csv", "flags_csv", "bouts_csv", "days_csv",
                                                                            "timeline_csv", "report")
    return [("--" + n.replace("_", "-"), getattr(args, n)) for n in names]


def _check_paths(args: argparse.Namespace) -> None:
    """Refuse, before a long analysis, what would fail or destroy data at the end."""
    if len(_stdout_outputs(args)) > 1:
        raise ImuGaitError(f"only one output can go to stdout ('-'), not {' and '.join(_stdout_outputs(args))}")
    src = os.path.abspath(args.file)
    from .io._common import refuse_stream
    refuse_stream(args.file)                   # '-' or a pipe: say stdin is not read (was 'no such file')
    if not os.path.exists(args.file):
        raise RecordingError("no such file or folder", path=args.file,
                             hint="check the path (a phyphox or Sensor Logger export may be a folder or a .zip)")
    # what the command reads, by name: an output over one of them destroyed it (a --flags-csv written over
    # walk.marks.csv lost the pain diary, and the next analyze failed reading flags as marks). The sidecars
    # are protected even when absent: an output by that name would be read as marks / belt speeds next time.
    from .marks import marks_path
    from .treadmill import sidecar_path
    inputs = {src: "that is the recording itself"}
    if getattr(args, "reference", None):
        inputs[os.path.abspath(args.reference)] = "that is the reference file"
    if hasattr(args, "marks"):
        inputs[os.path.abspath(args.marks or marks_path(args.file))] = (
            "that is the symptom-marks file" + ("" if args.marks else " read beside the recording"))
    if hasattr(args, "treadmill_schedule"):
        inputs[os.path.abspath(args.treadmill_schedule or sidecar_path(args.file))] = (
            "that is the treadmill schedule" + ("" if args.treadmill_schedule else " read beside the recording"))
    seen: dict[str, str] = {}
    for opt, out in _outputs(args):
        if out is None or out == "-":
            continue
        if os.path.abspath(out) in inputs:
            raise ImuGaitError(f"{opt} {out}: {inputs[os.path.abspath(out)]}; refusing to overwrite it"
                               "\n  What to do: give the output another name")
        if os.path.abspath(out) in seen:
            # each output was written over the one before: the steps CSV lost to the bouts CSV, unsaid
            raise ImuGaitError(f"{opt} {out}: {seen[os.path.abspath(out)]} writes that file too; give each "
                               "output its own name")
        seen[os.path.abspath(out)] = opt
        parent = os.path.dirname(os.path.abspath(out))
        if not os.path.isdir(parent):
            raise ImuGaitError(f"{opt} {out}: the folder {parent} does not exist")
        if os.path.isdir(out):
            raise ImuGaitError(f"{opt} {out}: is a folder; give a file name")
        if not os.access(parent, os.W_OK):
            raise ImuGaitError(f"{opt} {out}: cannot write in {parent}")
        check_output_name(opt, out)
        probe_writable(opt, out)
    export_dir = getattr(args, "export_dir", None)
    if export_dir:
        from .report.research_export import EXPORT_FILES
        if os.path.exists(export_dir) and not os.path.isdir(export_dir):
            raise ImuGaitError(f"--export-dir {export_dir}: is a file; give a folder (it is made if missing)")
        for name in EXPORT_FILES:        # the export's fixed names must not land on the recording or its sidecars
            target = os.path.abspath(os.path.join(export_dir, name))
            if target in inputs or target in seen:
                what = inputs.get(target) or f"{seen[target]} writes that file too"
                raise ImuGaitError(f"--export-dir {export_dir}: would write {name} over {target}: {what}"
                                   "\n  What to do: give the export its own folder")
        # … nor on any other file of those names there that an earlier export did not write (review s41 H2)
        from .report.research_export import refuse_foreign_export_targets
        refuse_foreign_export_targets(export_dir)


def _analyze_with_progress(recording: Any, context: dict[str, Any], show: bool):
    import imu_gait

    if not show:
        return imu_gait.analyze(recording, **context)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    with Progress(TextColumn("Analysing"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True),
                  transient=True) as bar:
        task = bar.add_task("analyse", total=1.0)
        result = imu_gait.analyze(recording, progress=lambda f: bar.update(task, completed=float(f)), **context)
        bar.update(task, completed=1.0)
    return result


def cmd_analyze(args: argparse.Namespace) -> int:
    import imu_gait
    from .report import print_summary, render_html, write_html, write_steps_csv

    _check_paths(args)
    context = analysis_context(args)          # a bad schedule file fails before a long read
    context, side_note = with_sidecar_schedule(args.file, context)
    marks, marks_note = marks_for(args.file, args.marks)      # a bad marks file also fails before the read
    tty = sys.stderr.isatty() and not args.quiet
    if tty:
        from rich.console import Console
        with Console(stderr=True).status(f"Reading {args.file} …"):
            recording = imu_gait.read(args.file, **read_options(args))
    else:
        recording = imu_gait.read(args.file, **read_options(args))
    pseudonym = args.pseudonym or ("recording" if args.anonymise else None)
    if pseudonym is not None:
        from .privacy import anonymise_recording
        recording = anonymise_recording(recording, pseudonym)
    show_bar = tty and float(getattr(recording, "duration_s", 0.0)) > PROGRESS_ABOVE_S
    result = _analyze_with_progress(recording, context, show_bar)
    if side_note:
        result.warnings.append(side_note)
    if marks is not None:
        attach_marks(result, marks)
        if marks_note:
            result.warnings.append(marks_note)
    if pseudonym is not None:
        from .marks import marks_path
        from .privacy import anonymise_result
        from .treadmill import sidecar_path
        schedule = context.get("treadmill_schedule")
        anonymise_result(result, [args.file, args.marks, marks_path(args.file), getattr(schedule, "path", None),
                                  args.treadmill_schedule, sidecar_path(args.file)], pseudonym)

    if not args.quiet and not _stdout_outputs(args):
        print_summary(result, recording, command_line=True)
    from .report.bouts_csv import write_bouts_csv
    from .report.days_csv import write_days_csv
    from .report.flags_csv import write_flags_csv

    # (option, its value, what it writes, write it to a file path or an open stream)
    outputs = (("--json", args.json, "JSON", lambda to: result.write_json(to) if isinstance(to, str)
                else to.write(result.to_json() + "\n")),
               ("--steps-csv", args.steps_csv, "steps CSV", lambda to: write_steps_csv(result, to)),
               ("--flags-csv", args.flags_csv, "flags CSV", lambda to: write_flags_csv(result, to)),
               ("--bouts-csv", args.bouts_csv, "bouts CSV", lambda to: write_bouts_csv(result, to)),
               ("--days-csv", args.days_csv, "days CSV", lambda to: write_days_csv(result, to)),
               ("--timeline-csv", args.timeline_csv, "timeline CSV", lambda to: result.write_timeline_csv(to)),
               ("--report", args.report, "HTML report", lambda to: write_html(result, to, recording)
                if isinstance(to, str) else to.write(render_html(result, recording))))
    for opt, path, what, write in outputs:
        if not path:
            continue
        if path == "-":
            write(sys.stdout)
            continue
        with writing(opt, path):
            write(path)
        if not args.quiet:        # said at once: if a later output fails, this one is there
            print(f"Wrote {what}: {path}", file=sys.stderr)
    if args.export_dir:
        from .report.research_export import write_export
        with writing("--export-dir", args.export_dir):
            from .batch import options_text
            options = options_text(context, read_options(args), hide_paths=pseudonym is not None)
            write_export([(pseudonym or str(args.file), result)], args.export_dir, [options])
        if not args.quiet:
            print(f"Wrote research export: {args.export_dir}", file=sys.stderr)
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    import imu_gait
    from .result import json_safe, unescaped_names
    from .scoring import read_reference, render_score, score_steps

    _check_paths(args)
    reference = read_reference(args.reference, column=args.ref_col, unit=args.ref_unit)   # before a long read
    context = analysis_context(args)
    context, side_note = with_sidecar_schedule(args.file, context)
    recording = imu_gait.read(args.file, **read_options(args))
    result = imu_gait.analyze(recording, **context)
    scores = score_steps(result.steps["time_s"].to_numpy(), reference,
                         recording_span_s=(float(recording.time_s[0]), float(recording.time_s[-1])),
                         time_offset_s=float(recording.meta.get("time_offset_s") or 0.0), tol_s=args.tolerance,
                         only_reference_span=args.only_reference_span)
    if side_note:                                # a treadmill schedule found beside the recording
        scores["notes"].append(side_note)
    if not args.quiet and not _stdout_outputs(args):
        print(render_score(scores, args.file))
    doc = {"recording": str(args.file), **scores, "imu_gait_version": imu_gait.__version__}
    if args.json:
        text = json.dumps(unescaped_names(json_safe(doc)), indent=1, allow_nan=False) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            with writing("--json", args.json):
                write_text_atomically(args.json, text)
    if args.events_csv:
        import pandas as pd

        from .scoring import EVENT_COLUMNS

        frame = pd.DataFrame(scores["events"], columns=list(EVENT_COLUMNS))
        # 0.1 ms / 0.1 ms is finer than any reference (a 100-Hz sample is 10 ms); 15 digits read as noise
        frame = frame.round({"reference_s": 6, "detected_s": 4, "error_ms": 1})
        if args.events_csv == "-":
            frame.to_csv(sys.stdout, index=False, na_rep="", lineterminator="\n")
        else:
            with writing("--events-csv", args.events_csv), atomic_text_file(args.events_csv, newline="") as fh:
                frame.to_csv(fh, index=False, na_rep="", lineterminator="\n")
    return 0


#: batches at least this long print a line per recording when stderr is not a terminal
BATCH_LOG_ABOVE = 5


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import ExportFailedError, run_batch

    context_table = None
    if args.context_table is not None:
        from .context_table import read_context_table

        context_table = read_context_table(args.context_table)      # every problem said before a long batch
    elif not args.paths:
        raise ImuGaitError("batch: no recordings given\n  What to do: give files or folders of recordings, or a "
                           "--context-table that lists them")
    if args.ref_unit is not None and not args.score_references:
        raise ImuGaitError("--ref-unit only applies with --score-references (the unit of the references' times)")

    parent = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(parent):
        raise ImuGaitError(f"--out {args.out}: the folder {parent} does not exist")
    if os.path.isdir(args.out):
        raise ImuGaitError(f"--out {args.out}: is a folder; give a file name")
    # a table named as one of the recordings given ('batch walk.csv --out walk.csv') was left out of the
    # recordings and the batch said 'no recordings found'
    given = {os.path.abspath(p) for p in args.paths if os.path.isfile(p)}
    if context_table is not None:
        given |= {os.path.abspath(r.recording) for r in context_table.rows.values()}
    for opt, out in (("--out", args.out), ("--flags-csv", args.flags_csv), ("--bouts-csv", args.bouts_csv),
                     ("--days-csv", args.days_csv)):
        if out is not None and context_table is not None and os.path.abspath(out) == os.path.abspath(context_table.path):
            raise ImuGaitError(f"{opt} {out}: that is the --context-table; refusing to overwrite it"
                               "\n  What to do: give the output another name")
        if out is not None and os.path.abspath(out) in given:
            raise ImuGaitError(f"{opt} {out}: that is one of the recordings given; refusing to overwrite it"
                               "\n  What to do: give the table another name")
    check_output_name("--out", args.out)
    probe_writable("--out", args.out)
    tables = {os.path.abspath(args.out): "--out"}
    for opt, table in (("--flags-csv", args.flags_csv), ("--bouts-csv", args.bouts_csv), ("--days-csv", args.days_csv)):
        if table is None:
            continue
        if os.path.abspath(table) in tables:
            raise ImuGaitError(f"{opt} {table}: that is the {tables[os.path.abspath(table)]} table too; give "
                               "another name")
        tables[os.path.abspath(table)] = opt
        check_output_name(opt, table)
        probe_writable(opt, table)
    if args.export_dir is not None:
        from .report.research_export import EXPORT_FILES
        if os.path.exists(args.export_dir) and not os.path.isdir(args.export_dir):
            raise ImuGaitError(f"--export-dir {args.export_dir}: is a file; give a folder (it is made if missing)")
        for name in EXPORT_FILES:        # the export's fixed names must not land on a recording or a table
            target = os.path.abspath(os.path.join(args.export_dir, name))
            if target in given or target in tables:
                what = "one of the recordings given" if target in given else f"the {tables[target]} table"
                raise ImuGaitError(f"--export-dir {args.export_dir}: would write {name} over {target}, {what}"
                                   "\n  What to do: give the export its own folder")
        # … nor on a recording found in a folder (a participant's steps.csv was left out of the batch and
        # replaced by the steps table), nor on any other file an earlier export did not write (review s41 H2)
        from .report.research_export import refuse_foreign_export_targets
        refuse_foreign_export_targets(args.export_dir)
    for opt, folder in (("--json-dir", args.json_dir), ("--steps-dir", args.steps_dir),
                        ("--export-dir", args.export_dir)):
        if folder is not None:           # made now, so an unusable folder is said before a long batch
            with writing(opt, folder):
                os.makedirs(folder, exist_ok=True)
    tty = sys.stderr.isatty() and not args.quiet
    bar = None
    if tty:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn("Analysing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       TextColumn("{task.description}"), console=Console(stderr=True), transient=True)
        bar.start()
        task = bar.add_task("", total=None)

    named: dict[str, str] = {}        # --anonymise: each recording's pseudonym (the key, the other way round)

    def progress(i: int, n: int, path: Any) -> None:
        if args.anonymise:
            # the recording by its pseudonym: this line is no key (a failed one's line is), and a console
            # log of the run gets shared with the outputs
            if len(named) != len(key):
                named.clear()
                named.update((str(p), name) for name, p in key.items())
            path = named.get(str(path), "a recording")
        if bar is not None:
            bar.update(task, completed=i, total=n, description=terminal_safe(str(path)))
        elif not args.quiet and n >= BATCH_LOG_ABOVE:
            # no terminal (nohup, a pipe, a job scheduler's log): a line per recording shows it is moving.
            # One job reports a recording as it starts (i done before it), several as each finishes (i done)
            parallel = ((os.cpu_count() or 1) if args.jobs == 0 else args.jobs) > 1
            print(terminal_safe(f"[{i if parallel else i + 1}/{n}] {path}"), file=sys.stderr, flush=True)

    notes: list[str] = []            # said after the run (a progress bar may hold the terminal meanwhile)
    exclude = [args.out, *(t for t in (args.flags_csv, args.bouts_csv, args.days_csv) if t)]
    if args.export_dir is not None:
        # a batch over the folder it exports into: an earlier export's tables are not recordings (any other file
        # of those names was refused above, so none is left out here unsaid)
        from .report.research_export import EXPORT_FILES
        exclude += [os.path.join(args.export_dir, name) for name in EXPORT_FILES]
    export_error: Exception | None = None
    key: dict[str, Any] = {}          # --anonymise: each pseudonym's recording, said on this console only
    try:
        # run_batch writes the table itself, so that a Ctrl-C an hour in keeps the rows done so far
        with writing("--out", args.out):
            try:
                rows = run_batch(args.paths, args.out, recursive=args.recursive, read_options=read_options(args),
                             context=analysis_context(args), json_dir=args.json_dir, jobs=args.jobs,
                             progress=progress, exclude=exclude,
                             steps_dir=args.steps_dir, score_references=args.score_references,
                             ref_unit=args.ref_unit or "s", flags_csv=args.flags_csv, bouts_csv=args.bouts_csv, days_csv=args.days_csv,
                             export_dir=args.export_dir, note=notes.append, context_table=context_table,
                             anonymise=args.anonymise, key=key, follow_links=args.follow_links)
            except ExportFailedError as exc:
                # the summary and the other tables are written: their closing lines are said, then the error
                rows, export_error = exc.rows, exc
    except KeyboardInterrupt:
        if bar is not None:
            bar.stop()
            bar = None
        if not args.quiet:
            print(f"the recordings analysed so far are in {args.out}; the others are marked 'interrupted'",
                  file=sys.stderr)
        raise
    finally:
        if bar is not None:
            bar.stop()
    failed = [r for r in rows if r["status"] != "ok"]
    if not args.quiet:
        print(f"{len(rows) - len(failed)} of {len(rows)} recordings analysed; summary: {args.out}"
              + (f"; flags: {args.flags_csv}" if args.flags_csv else "")
              + (f"; bouts: {args.bouts_csv}" if args.bouts_csv else "")
              + (f"; days: {args.days_csv}" if args.days_csv else "")
              + (f"; research export: {args.export_dir}" if args.export_dir and export_error is None else "")
              + ("; research export: NOT written (see the error below)" if export_error is not None else ""),
              file=sys.stderr)
        for line in notes:
            if args.anonymise:
                # a note names recordings by their paths ('… hold the same data byte for byte, e.g. a = b'): by
                # their pseudonyms instead, as the progress lines do
                from .privacy import path_spellings, redact_text
                for name, p in key.items():
                    if str(p) in line:
                        line = redact_text(line, path_spellings([p]), name)
            print(f"  {terminal_safe(line)}", file=sys.stderr)
        if not args.recursive and args.paths:
            # recordings in sub-folders were skipped without a word when the top level had some. Counted as
            # the batch counts (the tables it has just written are not recordings; find_recordings leaves
            # imu_gait's own tables out): they were counted as 'recordings in sub-folders'
            from .batch import find_recordings, takes_text_files
            written = {os.path.realpath(t) for t in exclude}
            if context_table is not None:
                # the context table kept in the recordings' folder is no recording either (run_batch leaves it
                # out): counted here, it was '1 more recording(s) in sub-folders' in a folder with none
                written.add(os.path.realpath(context_table.path))
            deeper = sum(1 for r in find_recordings(args.paths, recursive=True,
                                                    text_files=takes_text_files(read_options(args)),
                                                    follow_links=args.follow_links)
                         if os.path.realpath(r) not in written) - len(rows)
            if deeper > 0:
                print(f"  {deeper} more recording(s) in sub-folders were not analysed: add --recursive (-r) "
                      "to include them", file=sys.stderr)
        for r in failed:          # most messages name the file already; don't say it twice
            err = r["error"]
            # anonymised, the tables name it recording-00n: this console (never an output file) says which input
            # that is ('failed: recording-001' gave no way back to the file)
            which = f" (= {key[r['recording']]})" if r["recording"] in key else ""
            line = err if err.startswith(r['recording']) else r['recording'] + ': ' + err
            if which:
                line = r["recording"] + which + line[len(r["recording"]):]
            print(terminal_safe(f"  failed: {line}"), file=sys.stderr)
    if args.score_references and not args.quiet:
        from .batch import pooled_reference_scores

        pooled = pooled_reference_scores(rows)
        unscored = sum(1 for r in rows if r["status"] == "ok" and not str(r.get("ref_status", "")).startswith("scored"))
        if pooled is None:
            print("no recording had a usable reference beside it (walk.csv → walk.ref.json or walk.ref.csv; "
                  "see the ref_status column)", file=sys.stderr)
        else:
            print(f"steps against the references, pooled over {pooled['n_recordings']} recording(s): F1 "
                  f"{pooled['f1']:.3f} (precision {pooled['precision']:.3f}, recall {pooled['recall']:.3f}; "
                  f"{pooled['tp']} matched, {pooled['fn']} missed, {pooled['fp']} false)"
                  + (f"; {unscored} not scored (ref_status says why)" if unscored else ""), file=sys.stderr)
    if export_error is not None:
        # (as main says any other error, and its exit code: an output asked for is missing)
        print(f"{PROG}: error: {terminal_safe(command_line_words(str(export_error)))}", file=sys.stderr)
        return 2
    return 1 if failed else 0


# ---------------------------------------------------------------- entry point
def main(argv: Sequence[str] | None = None) -> int:
    """Run ``imu-gait``; returns the exit code (the console script exits with it)."""
    from .terminal_text import restore, tolerate_narrow_encodings

    # a cp1252 / cp437 / ASCII stdout (Windows output redirected to a file, LANG=C) stopped the summary
    # at its first ≥ or — with a UnicodeEncodeError: such characters get ASCII stand-ins instead
    changed = tolerate_narrow_encodings()
    try:
        return _main(argv)
    finally:
        restore(changed)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "accepts_any_arguments", False):
        # the command's own usage, not the top level's list of commands ('compare --bogus' showed the latter)
        subs = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        command = subs.choices.get(getattr(args, "command", None) or "") if subs is not None else None
        (command or parser).error(f"unrecognized arguments: {' '.join(extra)}{did_you_mean(command or parser, extra)}")
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(func(args) or 0)
    except ImuGaitError as exc:
        # (a message names files, columns and cells of the input: a control character there is shown as '?')
        print(f"{PROG}: error: {terminal_safe(command_line_words(str(exc)))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `imu-gait analyze f | head`: the reader went away; not an error
        return _reader_went_away()
    except SystemExit as exc:
        # rich's Console meets a closed pipe with SystemExit(1), raised while handling the BrokenPipeError:
        # `imu-gait live --replay f | head -1` exited 1 where `analyze` exits 0 (which of the two depended
        # on whether the summary was written before head closed the pipe)
        if isinstance(exc.__context__, BrokenPipeError) and exc.code == 1:
            return _reader_went_away()
        raise


def _reader_went_away() -> int:
    try:
        sys.stdout = open(os.devnull, "w")  # keep the interpreter from failing on the final flush
    except OSError:
        pass
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
