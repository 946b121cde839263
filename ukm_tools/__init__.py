"""ukm-tools: export training toolkit for Indonesian SME offices.

The top-level package is the domain core: pure functions and packaged
data for money, exchange rates, Incoterms 2020, price build-up, insurance, payments,
landed cost, break-even and export readiness. It writes no files, starts no kernels and
never talks to the network; the widgets, the book, the exercises and the course tools
all call it, so every number has one source of truth. Layers above it: ukm_tools.widgets and
ukm_tools.exercises (views and exercise checks over the core), ukm_tools.course (nbgrader
operations) and ukm_tools.cli (the thin `ukm` command); none of them is imported here.
"""

from ukm_tools.errors import Problem, UkmError

__all__ = ["Problem", "UkmError"]
__version__ = "0.1.0"
