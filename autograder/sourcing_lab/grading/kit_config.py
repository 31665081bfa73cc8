# The kit's nbgrader settings, loaded by every course's nbgrader_config.py with
#     load_subconfig("<this file>")
# Class names are strings on purpose: a missing module then stops nbgrader loudly, instead of
# the whole config being skipped (nbgrader ignores a config file whose imports fail).
c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# Submissions: every step reads a clean copy, never the files as they lie on disk (no links,
# pipes, sockets or devices; sizes capped by CourseDirectory.max_file_size / max_dir_size).
# See sourcing_lab/grading/nbgrader_hooks.py for why these are the points to hook in.
c.ExchangeFactory.collect = "sourcing_lab.grading.nbgrader_hooks.SafeCollect"
c.ZipCollectApp.extractor_plugin = "sourcing_lab.grading.nbgrader_hooks.SafeExtractor"
c.ZipCollectApp.collector_plugin = "sourcing_lab.grading.nbgrader_hooks.SafeFileNameCollector"
c.Autograde.exporter_class = "sourcing_lab.grading.nbgrader_hooks.IntakeExporter"
c.GenerateFeedback.exporter_class = "sourcing_lab.grading.nbgrader_hooks.FeedbackExporter"

# Never release or overwrite a recorded answers/ folder.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "answers"]

# A blank student notebook must run without errors: the stub is a comment, not a raise.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Release: the stock 0.9.6 list, plus: no recorded answers in the notebook's metadata.
c.GenerateAssignment.preprocessors = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "sourcing_lab.grading.release.ClearAnswerRecords",
    "sourcing_lab.release_data.BundleCourseData",  # a course's own case, beside the notebook
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Sanitize: harvest answers before outputs are cleared, then restore the instructor's shape.
c.Autograde.sanitize_preprocessors = [
    "sourcing_lab.grading.harvest.HarvestAnswers",
    "sourcing_lab.grading.canonical.CanonicaliseCells",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Autograde: run code in a hardened kernel, then score in the grader's own process.
c.Autograde.autograde_preprocessors = [
    "sourcing_lab.grading.execute.HardenedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "sourcing_lab.grading.score.ScoreAnswers",
    "nbgrader.preprocessors.SaveAutoGrades",
    "sourcing_lab.grading.score.FlagForReview",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Execute.timeout = 30  # seconds per cell
c.HardenedExecute.deadline = 300  # seconds per notebook
c.HardenedExecute.memory_mb = 2048
c.LimitOutput.max_lines = 1000

# Feedback shows scores and reasons, never hidden tests or a mark scheme.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
