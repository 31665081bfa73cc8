"""The ``sourcing-lab`` command line: ``main(argv) -> int``."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sourcing-lab", description=__doc__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    keys = sub.add_parser("check-keys", help="validate the answer keys against the case file")
    keys.add_argument("--case", default=None, help="case folder (default: the kit's own case)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "check-keys":
        from sourcing_lab.keys import KeyFileError, load_keys

        try:
            keys = load_keys(case_folder=args.case)
        except KeyFileError as exc:
            print(f"problem: {exc}", file=sys.stderr)
            return 1
        print(f"keys for case '{keys.case_id}': {keys.summary()}")
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
