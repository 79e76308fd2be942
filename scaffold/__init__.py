"""scaffold: look at a project, write the container build for it.

The pipeline is detect (files -> facts) -> plan (facts + answers -> BuildPlan)
-> render (plan -> file texts) -> write (diff, ask, atomic replace). The public
entry points are the ``run_*`` functions of :mod:`scaffold.api`.
"""

__version__ = "0.1.0"
