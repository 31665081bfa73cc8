"""The commented templates ``sourcing-lab case new`` writes: a case folder and its keys folder.

Every file explains itself in comments; nothing in them is a real fact or a real key, and the
case does not pass ``sourcing-lab case check`` until the instructor has filled it in.
"""

from __future__ import annotations

CASE_FILES = {
    "case.toml": """\
# The case: facts about the text *as posted* (what a reader sees, not what is true).
# Format: course/casefile/README.md. Check with: sourcing-lab case check <this folder>
id = "{case_id}"                # must be this folder's name (lower-case letters, digits, _)
title = "The article's headline, as posted"
language = "en"
article = "article.txt"

[as_posted]
site = "Where the copy you teach was found (a site, a forum, a feed)"
poster = "Who posted that copy"
posted_on = 2024-01-31          # a TOML date, no quotes
claimed_outlet = "The outlet the text says it comes from"
claimed_author = "The author the byline names"
claimed_date = 2024-01-30

# The steps the text claims (or shows) on its way to the reader, for a provenance_chain
# question (and keys/<case>/provenance.toml). One table per step; list them in any order
# (students work the order out). A label says what the text claims, never whether it is true.
# Without any [chain.<id>] table no provenance question can be asked.
[chain.posted_copy]
label = "The copy the reader sees, posted by ... on ..."

[chain.claimed_outlet]
label = "An article the byline credits to ..., dated ..."
""",
    "article.txt": "Paste the article here exactly as you found it (UTF-8). Then run:\n"
    "sourcing-lab case segments <this folder> to draft segments.csv.\n",
    "segments.csv": "segment_id,level,parent_id,start,end,text\n",
    "claims.csv": "claim_id,segment_id,quote,label\n",
    "timeline.csv": "event_id,date,date_end,precision,event,source_url,doc_id\n",
    "library/TEMPLATE.txt": """\
One file per document: library/<doc_id>.md (doc_id: lower-case letters, digits, _).
Copy this into such a file and fill it in; this TEMPLATE.txt is ignored by the loader.

+++
title = "The document's title"
publisher = "Who published it"
date = "2024-01-15"            # or "undated"
url = "https://www.example.org/where-it-is"
kind = "news"                  # official, news, trade-press, reference, mirror, blog, forum,
                               # legal-text, code or archive
summary = "One sentence students see in the search results."
facts = [
  "Each fact the document states, one short sentence each.",
]
+++

The document's text as students read it, in your own words, a few paragraphs.
""",
}

KEY_FILES = {
    "FACTCHECK.md": """\
# Fact-check dossier for case {case_id}

Every key item cites rows of this file by their id (the first column). Use any ids you like
(C1, C2 ... for claims, A1 ... for attributions is the kit's habit); give each a verdict and the
public URLs, with a short quote, that prove it.

| ID | Exact span from article | Verdict | Correct fact | References (URL + short quote) |
|---|---|---|---|---|
| C1 | "..." | ... | ... | https://... : "..." |
""",
    "attribution.toml": """\
# Per taggable segment (a sentence or clause without clauses under it): the attribution types
# that count as right, and one hint per wrong type (never naming the right one).
# Types: named_on_record, named_unverifiable, anonymous, institutional, none.
#
# [s01]
# factcheck = ["C1"]
# accept = ["named_on_record"]
# [s01.hints]
# anonymous = "A name is given here. Can you check who this is?"
""",
    "claims.toml": """\
# Per claim of claims.csv: the verdicts that count as right and the documents that settle it.
# Verdicts: accurate, partly_accurate, false, misleading, unverifiable, opinion, inconsistent,
# anachronistic. See autograder/keys/README.md (evidence in two tiers).
#
# [c_example]
# factcheck = ["C1"]
# verdicts = ["false"]
# settles = ["a_document_id"]
# supports = []
# [c_example.verdict_hints]
# accurate = "What does the official record say about this?"
""",
    "provenance.toml": """\
# The chain from the reader back to the claimed origin (the [chain.*] steps of case.toml) and,
# per step, its status: verified, unverified or contradicted. A list inside `order` is a group
# whose order does not matter.
#
# order = ["posted_copy", "claimed_outlet"]
# order_factcheck = ["C1"]
#
# [links.posted_copy]
# factcheck = ["C1"]
# accept = ["verified"]
# [links.posted_copy.hints]
# unverified = "The copy is in the library. Does it exist as described?"
""",
    "timeline.toml": """\
# The claim that cannot be true at the text's date (for a timeline question's mark), with one
# hint per wrong mark.
#
# [anachronism]
# factcheck = ["C1"]
# claim = "c_example"
# [anachronism.hints]
# c_other = "That is wrong at any date. Look for a detail that fits only a later time."
""",
    "library_trace.toml": """\
# One entry per library document: its role (evidence, context or distractor) and a note on
# where its facts come from.
#
# [a_document_id]
# factcheck = ["C1"]
# role = "evidence"
# note = "Primary source: ..."
""",
    "assignments/README.txt": """\
Keys for the choice and code_value questions of each assignment: assignments/<assignment>.toml.

  [q2_choice]
  factcheck = ["C1"]
  accept = ["right_option"]
  [q2_choice.hints]
  wrong_option = "A hint that points where to look."

  [q5_count]
  factcheck = ["C1"]
  expected = 3          # or a text, a list, a table; tolerance = 0.5 for numbers
  hint = "Count again, one row per ..."
""",
}

SPEC_TEMPLATE = """\
# Questions of assignment {assignment_id}, about case {case_id}. Public data: no answers here.
# Format: course/casefile/QUESTIONS.md.
title = "The assignment's question"
case = "{case_id}"

[questions.q1_example]
type = "choice"
skill = "provenance"
points = 1
prompt = "Where was this copy of the text posted?"
[questions.q1_example.options]
option_a = "..."
option_b = "..."
"""
