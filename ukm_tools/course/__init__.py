"""Course operations over nbgrader: course.yml, roster, release/collect, feedback, status, export.

The grading engine lives in :mod:`ukm_tools.course.grading`.
"""
