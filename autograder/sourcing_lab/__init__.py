"""Sourcing Lab, instructor side: answer keys, nbgrader integration, grading and reports.

Nothing here ships to students: the student runtime is the ``course`` package.
"""
