"""``python -m course.casefile [FOLDER]``: validate a case folder and print a summary."""

from __future__ import annotations

import sys

from course.casefile import CaseFileError, load_case


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        case = load_case(args[0] if args else None)
    except CaseFileError as exc:
        print(f"problem: {exc}", file=sys.stderr)
        return 1
    leaves = case.leaf_segments()
    print(f"case '{case.case_id}': {case.title}")
    print(f"  article: {len(case.article_text)} characters, {len(leaves)} taggable segments")
    print(
        f"  claims: {len(case.claim_records)}; library: {len(case.documents)} documents; "
        f"timeline: {len(case.events)} events"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
