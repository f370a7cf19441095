"""``imu-gait live``, ``imu-gait scan`` and ``imu-gait simulate`` (added to the CLI by :func:`register`).

    imu-gait scan                                   # nearby supported sensors
    imu-gait live --device GaitIMU-1234             # a real sensor over Bluetooth LE
    imu-gait live --simulate --duration 120         # the built-in emulated sensor, no hardware
    imu-gait live --replay walk.csv --speed 10      # a recording through the live path
    imu-gait simulate                               # = live --simulate

The live walk is recorded (``--record FILE``, default ``recordings/<time>_<device>.csv``) and
ends with the same report as ``imu-gait analyze`` (JSON + HTML next to the recording).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from ..cli import (add_context_options, add_read_options, analysis_context as engine_context, check_output_name,
                   number_in_range, probe_writable, read_options)
from ..errors import DeviceError, ImuGaitError
from .cues import CUE_FADE_S
from .keys import WHERE as KEYS_WHERE

#: the simulated walker starts to bounce more after 90 s, so a first run shows a cue rising
SIMULATED_PATTERN = [(90.0, {"bounce_cm": 6.5})]
#: … and the simulated runner (``--sim-gait run``: 170 steps/min) starts to over-stride after 90 s: fewer,
#: longer steps that brake more (156 steps/min, braking 0.25 → 0.35 m/s), so it bounces more too. (A run's
#: bounce follows from its cadence and contact time in the synthesis; it cannot be asked for directly.)
SIMULATED_RUN_PATTERN = [(90.0, {"cadence_spm": 156.0, "braking_mps": 0.35})]

FAMILY_LABELS = {"gaitimu": "GaitIMU (open firmware)", "polar_pmd": "Polar PMD", "thingy52": "Nordic Thingy:52"}


# ---------------------------------------------------------------- registration
def register(subparsers: Any) -> None:
    """Add ``live``, ``scan`` and ``simulate`` to the ``imu-gait`` sub-command parser."""
    live = subparsers.add_parser(
        "live", help="monitor a sensor live (Bluetooth LE, the built-in emulated sensor, or a replay)",
        description="Live gait monitoring: a calm live view, cues the moment a back-strain pattern rises, "
                    "every sample recorded as it arrives, and on exit the same report as 'imu-gait analyze'. "
                    "Ctrl-C (or q) ends the walk cleanly. On a treadmill, tell it when you change the belt "
                    "speed (+ / - or → / ←, 0.1 km/h) or the incline (] / [ or ↑ / ↓, 0.5 %): step length stays exact and incline "
                    "cues follow. When your back hurts, press p (then 0–10 for how much): it says what changed in "
                    "the minute before, and the mark is saved beside the recording for the report. (The "
                    + KEYS_WHERE + ".)",
        epilog="examples: imu-gait live --simulate --duration 180 --speed 10 | imu-gait live --device GaitIMU-1234 "
               "--belt-speed-kmh 4.5 | imu-gait live --replay walk.csv --speed 4")
    src = live.add_mutually_exclusive_group()
    src.add_argument("--device", metavar="NAME_OR_ADDRESS",
                     help="sensor name (or name prefix) or address; default: the supported sensor in range (with "
                          "several in range, or several matching a name, give the address; `imu-gait scan` lists them)")
    src.add_argument("--simulate", action="store_true",
                     help="use the built-in emulated GaitIMU sensor (no hardware needed); the simulated "
                          "walker starts to bounce more after 90 s, so a cue rises (about 2 min 10 s in: run it for at least 3 min)")
    src.add_argument("--replay", metavar="FILE", help="play a recording through the live path")
    _add_live_options(live)
    # a replay reads its file as analyze does, with the same options (the reader's notes advise them: a
    # replay refused --acc-unit g and --day-first while telling the user to pass them — review)
    add_read_options(live)
    live.set_defaults(func=cmd_live)

    sim = subparsers.add_parser("simulate", help="same as 'live --simulate': try the live view with no hardware",
                                description="Run the whole live path against the built-in emulated sensor.")
    _add_live_options(sim, real_sensor=False)
    sim.set_defaults(func=cmd_live, simulate=True, device=None, replay=None)

    sc = subparsers.add_parser("scan", help="list nearby supported Bluetooth LE sensors",
                               description="List nearby supported sensors (GaitIMU, Polar H10 / Verity Sense, "
                                           "Nordic Thingy:52), recognised by their advertised service or name.")
    sc.add_argument("--timeout", metavar="S", type=number_in_range(0.5, 120, "s"), default=5.0, help="scan time (default 5 s)")
    sc.add_argument("--simulate", action="store_true", help="scan the built-in emulated radio instead")
    sc.set_defaults(func=cmd_scan)


DEFAULT_RATE_HZ = 200
RATE_RANGE_HZ = (1, 1000)            # what the GaitIMU START takes (u16 Hz); Polar/Thingy pick their nearest


def _rate_hz(text: str) -> int:
    """argparse type of --rate: a whole number of Hz within RATE_RANGE_HZ (0 or -5 crashed the
    emulated sensor with a traceback; a real one would have refused START)."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of Hz") from None
    lo, hi = RATE_RANGE_HZ
    if not lo <= v <= hi:
        raise argparse.ArgumentTypeError(f"{v} Hz is outside {lo}–{hi} Hz")
    return v


def _status_fields(text: str) -> tuple[str, ...]:
    """argparse type of --status-fields (the view module is imported only when it is given)."""
    from .view import STATUS_FIELDS, parse_status_fields

    try:
        return parse_status_fields(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; known: {', '.join(STATUS_FIELDS)} (or all)") from None


def _add_live_options(p: argparse.ArgumentParser, *, real_sensor: bool = True) -> None:
    """The options of ``live`` (``real_sensor``) and ``simulate`` (not: options only a real sensor takes are
    not offered there — still parsed, so that giving one gets cmd_live's message on what to use instead)."""
    run = p.add_argument_group("running")
    # 'live' says which source an option is for; 'simulate' has no --simulate or --replay to name
    sim = "--simulate: " if real_sensor else ""
    run.add_argument("--duration", metavar="S", type=number_in_range(1, 7 * 24 * 3600, "s"),
                     help="stop by itself after S seconds of walk time (a sensor: at the latest 60 s past S by the "
                          "clock when this computer falls behind and the samples keep coming late; what came is kept)")
    run.add_argument("--speed", metavar="X", type=number_in_range(0, 1000, "×"), default=1.0,
                     help="--simulate/--replay: play X times faster than real time (replay: 0 = no pacing)" if real_sensor
                     else "play X times faster than real time")
    run.add_argument("--family", choices=sorted(FAMILY_LABELS),
                     help="only connect to this sensor family (a real sensor; --simulate picks with --sim-sensor)"
                     if real_sensor else argparse.SUPPRESS)
    # default None (= 200 Hz): a --rate given with --replay can be told apart and refused
    run.add_argument("--rate", metavar="HZ", type=_rate_hz, default=None,
                     help=f"sample rate to ask the sensor for, {RATE_RANGE_HZ[0]}–{RATE_RANGE_HZ[1]} Hz "
                          f"({DEFAULT_RATE_HZ}); a sensor that cannot do it streams at its nearest rate")
    run.add_argument("--sim-sensor", choices=("gaitimu", "polar_h10", "polar_verity", "thingy52"),
                     default=None,
                     help=f"{sim}which emulated sensor (GaitIMU acc+gyro, the default; Polar H10 "
                          "accelerometer only, Polar Verity Sense acc+gyro at 52 Hz, or Nordic Thingy:52 "
                          "acc+gyro without time stamps)")
    run.add_argument("--sim-gait", choices=("walk", "run"), default=None,
                     help=f"{sim}a walker (the default) or a runner (170 steps/min, over-striding "
                          "from 90 s on, so cues rise)")
    run.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    out = p.add_argument_group("outputs")
    rec = out.add_mutually_exclusive_group()
    rec.add_argument("--record", metavar="FILE", help="native CSV for every received sample "
                                                     "(default: recordings/<time>_<device>.csv)")
    rec.add_argument("--no-record", action="store_true", help="do not record (no report file either)")
    out.add_argument("--overwrite", action="store_true",
                     help="let --record replace an existing file (refused otherwise: a walk cannot be recorded again)")
    out.add_argument("--recordings-dir", metavar="DIR", default="recordings", help="folder for default recordings")
    out.add_argument("--json", metavar="OUT", help="result JSON (default: next to the recording)")
    out.add_argument("--report", metavar="OUT.html", help="HTML report (default: next to the recording)")
    out.add_argument("--view", choices=("auto", "rich", "plain"), default="auto",
                     help="live view: rich panel on a terminal, plain status lines otherwise — piped, or TERM=dumb (auto)")
    out.add_argument("--status-every", metavar="S", type=number_in_range(0.1, 3600, "s"), default=5.0,
                     help="plain view: a status line every S seconds (5)")
    # (written out, not taken from view.STATUS_FIELDS: --help must not import the view; test_live compares them)
    out.add_argument("--status-fields", metavar="LIST", type=_status_fields, default=None,
                     help="plain view: what the status line shows, comma-separated, or 'all': "
                          "gait, steps, cadence, speed, bounce, twist, lean, lean_standing, sway, treadmill, rate, "
                          "loss, drops, bad, reconnects, cues, hints (default: gait,steps,cadence,bounce,twist,lean,sway; the "
                          "link and treadmill get a line of their own when they change, cues when they rise or clear)")
    out.add_argument("--beep", action="store_true",
                     help="ring the terminal bell when a cue rises (not for a cue shown quietly: --cue-fade)")
    out.add_argument("--cue-fade", metavar="S", type=number_in_range(0, 3600, "s"), default=CUE_FADE_S,
                     help="faded feedback: a pattern that rises again within S seconds of its last full cue is "
                          "shown quietly (no bell, no advice repeated); the gap doubles after each full cue, and a "
                          f"stronger return is always told in full ({CUE_FADE_S:g}; 0: every cue in full)")
    out.add_argument("--no-keys", action="store_true",
                     help="do not read keys from the terminal (+/- belt speed, ]/[ incline, p my back hurts "
                          "then 0–10, q stop; not read on Windows)")
    out.add_argument("-q", "--quiet", action="store_true", help="no summary at the end")
    out.add_argument("--anonymise", "--anonymize", action="store_true",
                     help="outputs to share, as 'analyze --anonymise': the sensor is named by its model (its serial "
                          "and address left out, in the view too), the recording holds no date or time of day, the "
                          "JSON and report name it 'recording'; the default recording is recordings/recording.csv")
    add_context_options(p.add_argument_group("context (as for 'imu-gait analyze')"))


# ---------------------------------------------------------------- sources
def _bumble_available() -> bool:
    try:
        import bumble  # noqa: F401
    except ImportError:
        return False
    return True


@contextlib.asynccontextmanager
async def _synthetic_fallback(speed: float, rate_hz: int, seed: int, gait: str = "walk"):
    """No bumble installed: the same synthetic walk without the emulated radio (says so)."""
    from ..synthetic import synthesize_walk
    from .replay import ReplaySource

    rec, _ = synthesize_walk(600.0, float(rate_hz), seed=seed, gait=gait,
                             segments=SIMULATED_RUN_PATTERN if gait == "run" else SIMULATED_PATTERN)
    rec.meta["device"] = "synthetic"
    src = ReplaySource(rec, speed=speed, block_s=0.05)
    src.name = "synthetic-walk"
    async with src:
        yield src


def _source(args: argparse.Namespace, err: Any):
    from .registry import StreamSettings

    if args.replay:
        from .replay import ReplaySource

        return ReplaySource(args.replay, speed=args.speed, block_s=0.05, **read_options(args))
    rate = args.rate or DEFAULT_RATE_HZ
    if args.simulate:
        walk_s = min(max((args.duration or 240.0) + 15.0, 60.0), 600.0)
        if _bumble_available():
            from .live import simulated_stream

            gait = args.sim_gait or "walk"
            return simulated_stream(speed=args.speed, rate_hz=rate, walk_s=walk_s, seed=args.seed,
                                    sensor=args.sim_sensor or "gaitimu", gait=gait,
                                    segments=SIMULATED_RUN_PATTERN if gait == "run" else SIMULATED_PATTERN)
        print("note: bumble is not installed, so --simulate feeds synthetic samples straight into the live "
              "path (no emulated Bluetooth link); `pip install bumble` for the full emulated sensor.", file=err)
        return _synthetic_fallback(args.speed, rate, args.seed, args.sim_gait or "walk")
    from . import open_stream

    return _ble_errors(open_stream(args.device, family=args.family, settings=StreamSettings(rate_hz=rate)))


class _ble_errors:
    """Open a BLE stream, turning 'no Bluetooth here' (while connecting only) into a user error."""

    def __init__(self, stream_cm: Any):
        self.cm = stream_cm

    async def __aenter__(self) -> Any:
        from bleak.exc import BleakError

        try:
            return await self.cm.__aenter__()
        except (BleakError, OSError) as exc:
            raise DeviceError(f"Bluetooth is not available ({type(exc).__name__}: {exc or 'no adapter'}).\n"
                              "  What to do: switch Bluetooth on (Linux: is bluetoothd running and an adapter "
                              "present? `bluetoothctl show`), or try `imu-gait live --simulate`.") from exc

    async def __aexit__(self, *exc: Any) -> Any:
        return await self.cm.__aexit__(*exc)


# ---------------------------------------------------------------- commands
def check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before connecting, what would fail or destroy data later."""
    # '-' is standard output for analyze; here the live view is on standard output, and the JSON went to a
    # file literally named '-' ("Wrote JSON: -")
    for opt, given in (("--record", args.record), ("--json", args.json), ("--report", args.report),
                       ("--recordings-dir", args.recordings_dir)):
        if given == "-":
            what = "a folder name" if opt == "--recordings-dir" else "a file name"
            raise ImuGaitError(f"{opt} -: {args.command if getattr(args, 'command', None) else 'live'} shows its "
                               f"view on standard output, so '-' cannot mean standard output here"
                               f"\n  What to do: give {what} for {opt}")
    # an export folder (phyphox, Sensor Logger) replays like its zip: imu_gait.read takes both
    if args.replay and not (os.path.isfile(args.replay) or os.path.isdir(args.replay)):
        raise ImuGaitError(f"--replay {args.replay}: no such file or folder")
    src = os.path.abspath(args.replay) if args.replay else None
    outputs = [("--record", None if args.no_record else args.record), ("--json", args.json),
               ("--report", args.report)]
    for opt, out in outputs:
        if out is None:
            continue
        if src is not None and os.path.abspath(out) == src:
            raise ImuGaitError(f"{opt} {out}: that is the recording being replayed; refusing to overwrite it")
        if os.path.isdir(out):
            raise ImuGaitError(f"{opt} {out}: is a folder; give a file name")
        if opt == "--record" and os.path.exists(out) and not getattr(args, "overwrite", False):
            # the reports can be made again from a recording; the recording of a walk cannot
            raise ImuGaitError(f"--record {out}: the file exists (an earlier walk?); refusing to overwrite it."
                               "\n  What to do: give a new name, or add --overwrite to replace it")
        parent = os.path.dirname(os.path.abspath(out))
        if not os.path.isdir(parent):
            raise ImuGaitError(f"{opt} {out}: the folder {parent} does not exist")
        if not os.access(parent, os.W_OK):
            raise ImuGaitError(f"{opt} {out}: cannot write in {parent}")
        check_output_name(opt, out)
        probe_writable(opt, out)          # what os.access cannot tell (root, /proc): before a whole walk
    if not args.no_record and args.record is not None and not getattr(args, "overwrite", False):
        # the JSON and report go beside a named recording by default: 'keep.json' of something else was
        # replaced without a word while the recording itself was protected
        for opt, given, suffix, what in (("--json", args.json, ".json", "JSON"),
                                         ("--report", args.report, ".html", "HTML report")):
            beside = str(Path(args.record).with_suffix(suffix))
            if given is None and os.path.exists(beside):
                raise ImuGaitError(f"--record {args.record}: its {what} would go to {beside}, which exists; refusing "
                                   f"to overwrite it\n  What to do: give {opt} another name, or a new --record name, "
                                   "or add --overwrite to replace it")
    if not args.no_record and args.record is None:
        folder = os.path.abspath(args.recordings_dir)
        probe = folder
        while not os.path.exists(probe):
            probe = os.path.dirname(probe)
        if not os.path.isdir(probe) or not os.access(probe, os.W_OK):
            raise ImuGaitError(f"--recordings-dir {args.recordings_dir}: cannot create or write in {folder}")


def check_options(args: argparse.Namespace) -> None:
    """Refuse options that would be silently ignored (or misread) for the chosen source."""
    if args.speed != 1.0 and not (args.simulate or args.replay):
        raise ImuGaitError("--speed only applies to --simulate and --replay (a real sensor streams in real time)")
    if args.simulate and args.speed == 0:
        # 0 means 'no pacing' for a replay; the emulated sensor has a clock and ran at 0.05× real time
        raise ImuGaitError("--speed 0 (no pacing) only applies to --replay: the emulated sensor streams on its "
                           "own clock.\n  What to do: give a speed-up factor, e.g. --speed 10")
    if args.family and (args.simulate or args.replay):
        raise ImuGaitError("--family only applies to a real sensor"
                           + (": with --simulate, pick the emulated sensor with --sim-sensor" if args.simulate
                              else ": a replay plays the recording it is given"))
    if args.sim_sensor and not args.simulate:
        raise ImuGaitError("--sim-sensor only applies to --simulate")
    if args.sim_gait and not args.simulate:
        raise ImuGaitError("--sim-gait only applies to --simulate")
    given = read_options(args)
    if given and not args.replay:
        flag = "--" + next(iter(given)).replace("_hz", "").replace("_", "-")
        raise ImuGaitError(f"{flag} only applies to --replay: it says how to read a recording's columns "
                           "(a sensor's stream needs none)")
    if args.rate is not None and args.replay:
        raise ImuGaitError("--rate only applies to a sensor: a replay plays at the recording's own rate")


def cmd_live(args: argparse.Namespace) -> int:
    from .live import run_live
    from .view import make_view

    out, err = sys.stdout, sys.stderr
    check_options(args)
    check_outputs(args)
    source_cm = _source(args, err)
    if not (args.simulate or args.replay):        # a scan says nothing for up to 10 s: say what it waits for
        print(f"imu-gait live: looking for {repr(args.device) if args.device else 'a supported sensor'}"
              f"{' (' + FAMILY_LABELS[args.family] + ')' if args.family else ''} — up to 10 s; "
              "Ctrl-C gives up", file=err, flush=True)
    view = make_view(args.view, beep=args.beep, every_s=args.status_every, file=out,
                     fields=getattr(args, "status_fields", None))
    record = None if args.no_record else args.record
    try:
        session, written = asyncio.run(run_live(
            source_cm, view=view, record=record, json_path=args.json, html_path=args.report,
            duration_s=args.duration, engine_context={**engine_context(args), "cue_fade_s": args.cue_fade},
            auto_record=not args.no_record,
            record_folder=args.recordings_dir, keys=not getattr(args, "no_keys", False),
            anonymise=getattr(args, "anonymise", False)))
    except ImuGaitError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug in the live path: a clear message, not a traceback
        raise ImuGaitError(f"the live session stopped on an unexpected error ({type(exc).__name__}: {exc})"
                           "\n  What to do: please report this message — it is a bug") from exc
    result = session.result if session is not None else None
    if result is None:
        print("imu-gait live: stopped before any sample arrived; nothing recorded, no report.", file=err)
        return 0
    if not args.quiet:
        try:
            from ..report import print_summary
            print_summary(result, file=out, command_line=True)
        except ImportError:
            pass
    for what, path in written:
        print(f"Wrote {what}: {path}", file=err)
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    found = asyncio.run(_scan(args.timeout, args.simulate))
    if not found:
        print("No supported sensors found. Switch the sensor on (and off any phone app holding it), bring it "
              "closer and scan again.", file=sys.stderr)
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for col in ("Name", "Address", "RSSI", "Protocol"):
        table.add_column(col, justify="right" if col == "RSSI" else "left")
    for d in found:
        table.add_row(d.name or "(no name)", d.address, "—" if d.rssi is None else f"{d.rssi} dBm",
                      FAMILY_LABELS.get(d.family, d.family))
    Console(file=sys.stdout, highlight=False).print(table)
    return 0


async def _scan(timeout: float, simulate: bool):
    from . import scan

    if not simulate:
        from bleak.exc import BleakError
        try:
            return await scan(timeout=timeout)
        except (BleakError, OSError) as exc:
            raise DeviceError(f"Bluetooth is not available ({type(exc).__name__}: {exc or 'no adapter'}).\n"
                              "  What to do: switch Bluetooth on (Linux: `bluetoothctl show`), or try "
                              "`imu-gait scan --simulate`.") from exc
    if not _bumble_available():
        raise DeviceError("`scan --simulate` needs the bumble package.\n  What to do: pip install bumble")
    from .emulated import (EMULATED_BACKEND, EmulatedAir, EmulatedGaitImu, EmulatedPolarH10, EmulatedPolarVerity,
                           EmulatedThingy52)

    async with EmulatedAir() as air:     # every sensor `live --simulate --sim-sensor` can be
        await air.add(EmulatedGaitImu(name="GaitIMU-SIM1"))
        await air.add(EmulatedPolarH10())
        await air.add(EmulatedPolarVerity())
        await air.add(EmulatedThingy52())
        return await scan(timeout=min(timeout, 1.0), backend=EMULATED_BACKEND)
