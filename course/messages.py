"""Every learner-facing sentence the kit says, in one place so it can be reviewed and translated.

Messages are deterministic templates: the same answer always gets the same words. They say what
is wrong and how to think about it; they never contain an answer and never a traceback.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # form checks (no key needed)
    "tags_missing": "{missing} of {total} parts still have no label.",
    "tags_complete": "Every part has a label ({total} of {total}).",
    "verdict_missing": "'{label}': choose a verdict.",
    "evidence_missing": "'{label}': verdict given but no evidence chosen. Cite at least one "
    "library document that backs your verdict.",
    "verdicts_complete": "Every claim has a verdict and evidence.",
    "order_missing": "Put all {total} items in order ({placed} placed so far).",
    "order_complete": "All {total} items are in an order.",
    "anachronism_missing": "Mark the item that cannot be true at the date it is given.",
    "status_missing": "'{label}': mark this step verified, unverified or contradicted.",
    "chain_complete": "Every step is ordered and marked.",
    "choice_missing": "Choose an answer.",
    "choice_complete": "Answer chosen.",
    "written_missing": "Write your answer in the box.",
    "written_short": "Your answer has {words} words; aim for at least {minimum}.",
    "written_complete": "Answer written ({words} words). Your teacher grades it with the rubric.",
    "no_answer_yet": "No answer recorded yet.",
    "desk_summary": "So far you ran {searches} searches and opened {opened} documents.",
    "desk_invented_tag": "invented example",
    "desk_invented_note": "Invented example: this page was made up for the course. It shows a "
    "kind of page you will meet on the web; its address leads nowhere.",
    "value_missing": "Your answer cell has not produced a value yet. Run it after you write "
    "your code.",
    "value_given": "Your value is recorded.",
    "value_not_plain": "Your value could not be recorded ({problem}). Make it a plain number, "
    "text, list or dictionary.",
    "value_error": "Running your answer raised {error}. Fix the code in the answer cell above "
    "and run it again.",
    # scored feedback (self-study Check, and the grader's reasons)
    "all_right": "All correct. Well reasoned!",
    "part_right": "Right.",
    "score_line": "{right} of {total} right.",
    "tag_wrong": "'{label}': not quite. {hint}",
    "tag_wrong_generic": "'{label}': not quite. Ask who is given as the source, and whether you "
    "could check them.",
    "verdict_wrong": "'{label}': look again at the verdict. {hint}",
    "verdict_wrong_generic": "'{label}': look again at the verdict. Compare the claim with what "
    "the strongest sources in the library say.",
    "evidence_weak": "'{label}': none of the documents you cite settles this claim. Look for a "
    "primary or well-sourced document.",
    "evidence_partial": "'{label}': your documents bear on this claim, but none of them settles "
    "it on its own, so they earn half the evidence point. Look for a document that does.",
    "evidence_distractor": "'{label}': your evidence includes a weak source, and each weak "
    "source costs half the evidence point. {hint}",
    "evidence_distractor_generic": "'{label}': one of the documents you cite is weak, and each "
    "weak source costs half the evidence point. Check its date, author and where it got its "
    "information.",
    "order_wrong": "{misplaced} of {total} items are out of place. Check the dates of the items "
    "you are least sure of in the library.",
    "anachronism_wrong": "The item you marked is not an anachronism. {hint}",
    "anachronism_wrong_generic": "The item you marked is not an anachronism. Look for a detail "
    "that fits a later date but not the date the text gives.",
    "status_wrong": "'{label}': look again at how far this step holds up. {hint}",
    "choice_wrong": "Not quite. {hint}",
    "choice_wrong_generic": "Not quite. Reread the question and the evidence.",
    "choice_partly": "Some of your choices are right, some are not. Each wrong tick takes "
    "marks away.",
    "choice_missed": "Every option you ticked is right, but you have not found them all yet.",
    "choice_none_right": "None of the options you ticked is right.",
    "value_wrong": "Not the expected value yet. {hint}",
    "value_needs_source": "This value is computed from an earlier answer that is still missing. "
    "Answer that question first.",
    "kit_scores": "{question_id} is scored by Sourcing Lab's grader from the recorded answer. "
    "Grade with `sourcing-lab grade`, or nbgrader autograde with the kit's nbgrader_config.py; "
    "without it this item scores 0.",
    "summary_done": "Every question has an answer. Save the notebook (Ctrl+S), then submit.",
    "summary_missing": "{n} question(s) still need an answer.",
    # recording and restoring
    "recorded": "Answer recorded ({when}).",
    "restored": "Your earlier answer was restored.",
    "record_unreadable": "Your saved answer for this question could not be read, so the question "
    "starts empty. Answer it again; your other answers are safe.",
    "record_invalid": "Your saved answer for this question did not fit the question ({problem}), "
    "so it starts empty. Answer it again; your other answers are safe.",
    "record_not_saved": "Your answer could not be saved ({problem}). Check that the folder is "
    "writable, then answer again.",
    "show_answer_locked": "'Show answer' opens after {attempts} checks.",
    # the page's link to Python and to the saved notebook (shown in the browser, under an item)
    "page_reopened": "This page was reloaded after this cell ran. Your answers here still save. "
    "Run this cell again (Shift+Enter) to update the answer line below.",
    "page_reopened_unsaved": "This page was reloaded after this cell ran, so your answers here "
    "no longer reach the notebook file. Run this cell again (Shift+Enter) so they keep saving.",
    "not_connected": "Not connected: Python was restarted or stopped, so changes here are not "
    "saved. Run the notebook again (Run > Run All Cells); your recorded answers come back.",
    # the saved notebook's own copy of the answers (validate, summary, nbgrader's Validate)
    "notebook_copy_missing": "{question_id}: your answer is in the answers/ folder but not in "
    "the saved notebook, so a notebook uploaded alone would miss it. Save the notebook (Ctrl+S). "
    "If this message stays, run the notebook from the top (Run > Run All Cells) and save again.",
    "notebook_copy_older": "{question_id}: the saved notebook holds an older answer than your "
    "newest one ({when}), so a notebook uploaded alone would be graded on the old one. Save the "
    "notebook (Ctrl+S). If this message stays, run the notebook from the top (Run > Run All "
    "Cells) and save again.",
    "graded_mode": "Your answer is saved. Correctness is checked when your teacher grades it.",
    # one file of all your answers: export and import (course.progress)
    "export_label": "Export my answers",
    "import_label": "Import answers",
    "progress_intro": "Keep a copy of your work: 'Export my answers' saves every answer of the "
    "course in one file (it goes to your Downloads folder). 'Import answers' brings such a file "
    "back, in another browser, on another computer or in the JupyterLab version.",
    "export_done": "Saved {n} answer(s) in {name}.",
    "export_nothing": "There is no answer to export yet. Answer a question first.",
    "import_restored": "Restored {n} answer(s) from the file (assignments: {assignments}).",
    "import_kept": "{n} answer(s) here were newer than the file's or the same, so they were kept.",
    "import_skipped": "{where}: not restored, because {reason}",
    "import_not_written": "{where}: could not be saved here ({problem}). Check that the folder "
    "is writable, then import the file again.",
    "import_run_again": "Run each notebook again from the top (Run > Run All Cells) to see the "
    "restored answers in it.",
    "import_unknown_assignment": "this course has no such assignment.",
    "import_no_folder": "its folder is not known from here. Import the file again from the "
    "notebook of {assignment}.",
    "import_unknown_question": "this assignment has no such question now.",
    "import_record_elsewhere": "the answer is filed under another question.",
    "import_record_broken": "the saved answer does not fit the question ({problem}).",
    "import_not_json": "{name} is not a file of answers (it is not JSON text). Choose the file "
    "that 'Export my answers' saved, named sourcing-lab-answers-....json.",
    "import_wrong_format": "{name} is not a Sourcing Lab answers file. Choose the file that "
    "'Export my answers' saved, named sourcing-lab-answers-....json.",
    "import_newer_format": "{name} was saved by a newer version of Sourcing Lab (file format "
    "{version}). Import it into the newest version of the course.",
    "import_too_large": "{name} is too large to be a file of answers. Choose the file that "
    "'Export my answers' saved.",
    "import_failed": "That file could not be imported. {problem}",
    "older_course_version": "This notebook is from an earlier version of the course, kept by "
    "your browser. The course has been updated: open the same notebook in the folder {place} "
    "(File > Open from the file browser). Your answers come along to the new version.",
    "browser_keeps_nothing": "This browser does not let the page keep files, so your answers "
    "are lost when you close it. Use 'Export my answers' (in the last cell) before you leave, "
    "and 'Import answers' when you come back.",
}


def say(key: str, **values: object) -> str:
    """The message ``key`` with ``values`` filled in."""
    return MESSAGES[key].format(**values).strip()
