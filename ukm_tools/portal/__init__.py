"""The exercise portal: exercises as phone forms, a hub service (:mod:`ukm_tools.portal.app`).

:mod:`.course` reads the course (released assignments, forms, due dates, roster), :mod:`.store`
keeps drafts and submissions; results come from grade-on-submit
(:mod:`ukm_tools.course.grading.on_submit`, :mod:`ukm_tools.course.results`).
"""
