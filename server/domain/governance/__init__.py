"""Resident self-governance (党建引领 社区自治): the rules of building projects, their
steps, and the votes the Civil Code requires for decisions on common parts."""
