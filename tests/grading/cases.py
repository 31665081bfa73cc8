"""RELIABILITY.md cases as submissions of a01_provenance, each with its expected outcome.

Students are graded in name order, so the batch-killers (duplicated cells, forged metadata) come
first: if one of them stopped the batch, every later case would fail too.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

ASSIGNMENT = "a01_provenance"
AUTO_ITEMS = ("q2_posted_where", "q3_footer", "q4_chain", "q5_checkable", "q6_days")
FULL = {
    "q2_posted_where": 1.0,
    "q3_footer": 1.0,
    "q4_chain": 5.0,
    "q5_checkable": 2.0,
    "q6_days": 1.0,
}
GOOD_CODE = (
    "import pandas as pd\n\ndays = None\n"
    'days = (pd.Timestamp("2023-01-05") - pd.Timestamp("2021-03-15")).days'
)


@dataclass
class Case:
    student: str
    reliability: str  # the RELIABILITY.md case number(s)
    build: Any  # (release notebook, reference records) -> submission spec dict
    scores: dict[str, float] | None  # expected auto score per item; None: not gradable
    states: dict[str, str] = field(default_factory=dict)  # expected non-"graded" item states
    reason: str = ""  # a phrase expected in the not-gradable / zero reason


def cell(nb: dict, cell_id: str) -> dict:
    return next(c for c in nb["cells"] if c.get("id") == cell_id)


def insert_after(nb: dict, cell_id: str, new: dict) -> dict:
    nb = copy.deepcopy(nb)
    index = next(i for i, c in enumerate(nb["cells"]) if c.get("id") == cell_id)
    nb["cells"].insert(index + 1, new)
    return nb


def code_cell(source: str, cell_id: str) -> dict:
    return {
        "cell_type": "code",
        "id": cell_id,
        "metadata": {},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def perfect(nb: dict, records: list) -> dict:
    from kit import embed, set_code

    return {"nb": set_code(embed(nb, records), "q6_days", GOOD_CODE), "records": records}


def with_cells(spec: dict, transform) -> dict:
    spec = dict(spec)
    spec["nb"] = transform(copy.deepcopy(spec["nb"]))
    return spec


def _duplicate(cell_id: str):
    """A copy-pasted cell (same grade id), right below the original."""

    def transform(nb):
        index = next(i for i, c in enumerate(nb["cells"]) if c.get("id") == cell_id)
        twin = copy.deepcopy(nb["cells"][index])
        twin["id"] = f"copy-of-{cell_id}".replace("_", "-")
        nb["cells"].insert(index + 1, twin)
        return nb

    return transform


_dup_test = _duplicate("q2_posted_where_check")
_dup_answer = _duplicate("q6_days_answer")


def _forged_schema(nb):
    cell(nb, "q4_chain_check")["metadata"]["nbgrader"]["schema_version"] = 1
    return nb


def _edit_locked(nb):
    cell(nb, "q2_posted_where_check")["source"] = "print('full marks please')"
    cell(nb, "setup")["source"] = "lab = None"
    return nb


def _delete_test(nb):
    nb["cells"] = [c for c in nb["cells"] if c.get("id") != "q4_chain_check"]
    return nb


def _strip_metadata(nb):
    cell(nb, "q3_footer_check")["metadata"] = {}
    return nb


def _points(nb):
    cell(nb, "q4_chain_check")["metadata"]["nbgrader"]["points"] = 100
    return nb


def _cell_type(nb):
    target = cell(nb, "q3_footer_check")
    target["cell_type"] = "markdown"
    target.pop("outputs", None)
    target.pop("execution_count", None)
    return nb


def _bonus_and_kernel(nb):
    bonus = code_cell("print('bonus')", "bonus")
    bonus["metadata"]["nbgrader"] = {
        "grade": True,
        "grade_id": "bonus",
        "points": 1000,
        "locked": False,
        "solution": False,
        "schema_version": 3,
    }
    nb["cells"].append(bonus)
    nb["metadata"]["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "python"}
    return nb


def _prepend(source):
    def transform(nb):
        nb["cells"].insert(1, code_cell(source, "student-extra"))
        return nb

    return transform


def _append(source):
    def transform(nb):
        nb["cells"].append(code_cell(source, "student-extra"))
        return nb

    return transform


def _code(source):
    def transform(nb):
        cell(nb, "q6_days_answer")["source"] = source
        return nb

    return transform


def _many_sleeps(nb):
    for n in range(7):
        nb["cells"].insert(3, code_cell("import time\ntime.sleep(4.5)", f"sleep-{n}"))
    return nb


HIDE_TRACEBACKS = (
    "import sys\nip = get_ipython()\nip.showtraceback = lambda *a, **k: None\n"
    "sys.excepthook = lambda *a: None"
)
MONKEYPATCH = (
    "import course.lab, course.checks, course.checks.dispatch\n"
    "course.checks.dispatch.evaluate = lambda *a, **k: None\n"
    "course.lab.Lab.check = lambda self, q: print('1')\n"
    "import builtins\nbuiltins.float = lambda *a: 1.0"
)
ALWAYS_EQUAL = (
    "class Anything:\n    def __eq__(self, other):\n        return True\n"
    "    def __bool__(self):\n        return True\ndays = Anything()"
)
READ_INSTRUCTOR = (
    "import glob, os\nfound = []\n"
    "patterns = ['../../../source/*/*.ipynb', '../../../keys/*/*.toml',\n"
    "            '../../../gradebook.db', '../../*/a01_provenance/*.ipynb']\n"
    "for pattern in patterns:\n"
    "    for path in glob.glob(pattern):\n"
    "        try:\n            found.append((path, open(path, 'rb').read()[:80]))\n"
    "        except OSError as exc:\n            found.append((path, str(exc)))\n"
    "print('FOUND', found)\nprint('ENV', sorted(os.environ))\n"
    # A kernel running as root could unmount what hides the keys: try, then look again.
    "import subprocess, pathlib, course\n"
    "for line in open('/proc/self/mountinfo'):\n"
    "    subprocess.run(['umount', '-l', line.split()[4]], capture_output=True)\n"
    "kit = pathlib.Path(course.__file__).resolve().parent.parent / 'autograder' / 'keys'\n"
    "print('KEYFILES', len(list(kit.glob('*/*.toml'))))"
)
WRITE_INSTRUCTOR = (
    "import glob\ntargets = glob.glob('../../../gradebook.db')\n"
    "targets += glob.glob('../../*/a01_provenance/*.ipynb')\n"
    "for path in targets:\n"
    "    try:\n        open(path, 'w').write('overwritten')\n"
    "    except OSError as exc:\n        print(exc)\n"
    "import os\nos.makedirs('../../zz_victim/a01_provenance', exist_ok=True)\n"
    # The kit's own code, which every later grading run imports:
    "import pathlib, course\n"
    "for folder in (pathlib.Path(course.__file__).parent, pathlib.Path(os.__file__).parent):\n"
    "    try:\n        (folder / 'planted_by_c32.py').write_text('x = 1')\n"
    "    except OSError as exc:\n        print(exc)"
)
NETWORK = (
    "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), timeout=2)\n"
    "    print('NETWORK OPEN')\nexcept OSError as exc:\n    print('network blocked:', exc)"
)
HUGE_OUTPUTS = {  # RELIABILITY.md 24, before the answers, so the check cells run after them
    "huge-line": "print('x' * 50_000_000)",
    "huge-image": (
        "import base64\nfrom IPython.display import display\n"
        "display({'image/png': base64.b64encode(bytes(75_000_000)).decode()}, raw=True)"
    ),
    "huge-lines": "for i in range(100_000):\n    print(i)",
    **{f"flood-{n}": "print('y' * 90_000)" for n in range(25)},  # 2.25 MB: the notebook cap
}


def _huge_outputs(nb):
    for offset, (cell_id, source) in enumerate(HUGE_OUTPUTS.items()):
        nb["cells"].insert(1 + offset, code_cell(source, cell_id))
    return nb


FORK_BOMB = (  # one child leaves the process group first, as a kernel escaping a killpg would
    "import os\nif os.fork() == 0:\n    os.setsid()\n    os.execvp('sleep', ['sleep', '600'])\n"
    "import subprocess\nkids = []\nfor _ in range(300):\n    try:\n"
    "        kids.append(subprocess.Popen(['sleep', '600']))\n    except OSError:\n        break\n"
    "print('started', len(kids))"
)


ZERO_CODE = {**FULL, "q6_days": 0.0}
WRONG = {"q2_posted_where": "dod_site", "q3_footer": "last_line"}


def reliability_cases(nb, refs):
    """Cases 1-32 by student id: (submission spec, expected auto scores, expected states)."""
    from kit import embed, record

    good = perfect(nb, refs)
    only_widgets = [r for r in refs if r.question_id != "q6_days"]
    wrong = [record(ASSIGNMENT, q, v) for q, v in WRONG.items()]
    return {
        # -- batch-killers first ------------------------------------------------------------
        "c01_dup_test": (with_cells(good, _dup_test), FULL, {}),
        "c02_dup_answer": (with_cells(good, _dup_answer), FULL, {"q6_days": "flag"}),
        "c03_forged_schema": (with_cells(good, _forged_schema), FULL, {}),
        # -- files and structure ------------------------------------------------------------
        "c04_perfect": (good, FULL, {}),
        "c05_blank": ({"nb": nb, "records": []}, dict.fromkeys(AUTO_ITEMS, 0.0), {}),
        "c06_ipynb_only": ({**good, "answers_dir": False}, FULL, {}),
        "c07_answers_folder_only": ({"nb": perfect(nb, [])["nb"], "records": refs}, FULL, {}),
        "c08_truncated_json": (
            {"nb": json.dumps(good["nb"]).encode()[:5000], "records": refs},
            None,
            {},
        ),
        "c09_renamed": ({**good, "name": "provenance (1).ipynb"}, None, {}),
        "c10_empty": ({"nb": None, "records": []}, None, {}),
        "c11_encodings": (
            {
                "nb": good["nb"],
                "records": [
                    *refs,
                    record(ASSIGNMENT, "q7_written", "\ufeffLine one\r\nمرحبا \u202eevil\u202c 🙂"),
                ],
            },
            FULL,
            {},
        ),
        "c12_bad_answer_files": (
            {
                "nb": perfect(nb, [])["nb"],
                "records": refs[2:],
                "extra": {
                    "answers/q2_posted_where.json": b'{"question_id": "q2_pos',
                    "answers/q3_footer.json": json.dumps(
                        {**refs[1].to_json(), "value": ["forum_heading"]}
                    ).encode(),
                    "answers/q99_bonus.json": json.dumps(
                        {**refs[0].to_json(), "question_id": "q99_bonus"}
                    ).encode(),
                },
            },
            {**FULL, "q2_posted_where": 0.0, "q3_footer": 0.0},
            {"q2_posted_where": "zero", "q3_footer": "zero"},
        ),
        # -- metadata tampering -------------------------------------------------------------
        "c13_edited_locked": (with_cells(good, _edit_locked), FULL, {}),
        "c14_deleted_test": (with_cells(good, _delete_test), FULL, {}),
        "c15_stripped_metadata": (with_cells(good, _strip_metadata), FULL, {}),
        "c16_points_changed": (with_cells(good, _points), FULL, {}),
        "c17_cell_type_changed": (with_cells(good, _cell_type), FULL, {}),
        "c18_bonus_cell_kernelspec": (with_cells(good, _bonus_and_kernel), FULL, {}),
        # -- in-kernel tampering ------------------------------------------------------------
        "c19_hidden_tracebacks": (
            {"nb": embed(nb, wrong), "records": wrong},
            dict.fromkeys(AUTO_ITEMS, 0.0),
            {},
        ),
        "c20_always_equal": (with_cells(good, _code(ALWAYS_EQUAL)), ZERO_CODE, {"q6_days": "zero"}),
        "c21_monkeypatch": (
            with_cells({"nb": embed(nb, wrong), "records": wrong}, _prepend(MONKEYPATCH)),
            dict.fromkeys(AUTO_ITEMS, 0.0),
            {"q6_days": "zero"},
        ),
        "c22_shadow_modules": (
            {
                **good,
                "extra": {
                    "course.py": b"raise SystemExit('shadowed')\n",
                    "pandas.py": b"raise SystemExit('shadowed')\n",
                    "course/__init__.py": b"raise SystemExit('shadowed')\n",
                },
            },
            FULL,
            {},
        ),
        "c23_warnings_on_stderr": (
            with_cells(
                good,
                _code(
                    "import sys, warnings\nwarnings.warn('a FutureWarning-like note')\n"
                    "print('noise', file=sys.stderr)\n" + GOOD_CODE
                ),
            ),
            FULL,
            {},
        ),
        # -- resources and faults -----------------------------------------------------------
        "c24_infinite_loop": (
            with_cells(good, _code("while True:\n    pass")),
            ZERO_CODE,
            {"q6_days": "zero"},
        ),
        "c25_ignores_sigint": (
            with_cells(
                good,
                _code(
                    "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                    "while True:\n    time.sleep(0.1)"
                ),
            ),
            ZERO_CODE,
            {"q6_days": "zero"},
        ),
        "c26_deadline": (with_cells(good, _many_sleeps), ZERO_CODE, {"q6_days": "zero"}),
        "c27_memory_bomb": (
            with_cells(good, _code("hog = bytearray(8 * 2**30)\ndays = 661")),
            ZERO_CODE,
            {"q6_days": "zero"},
        ),
        "c28_kernel_crash": (
            with_cells(good, _code("import os\nos._exit(1)")),
            ZERO_CODE,
            {"q6_days": "zero"},
        ),
        "c29_huge_output": (
            with_cells(good, _huge_outputs),
            FULL,
            {},
        ),
        "c30_fork_bomb_network": (with_cells(good, _append(FORK_BOMB + "\n" + NETWORK)), FULL, {}),
        # -- instructor side ----------------------------------------------------------------
        "c31_reads_instructor_files": (with_cells(good, _append(READ_INSTRUCTOR)), FULL, {}),
        "c32_writes_instructor_files": (with_cells(good, _append(WRITE_INSTRUCTOR)), FULL, {}),
        "c33_hides_widget_answers": (
            with_cells(
                only_widgets and {"nb": embed(nb, only_widgets), "records": only_widgets},
                _prepend(HIDE_TRACEBACKS),
            ),
            ZERO_CODE,
            {},
        ),
    }
