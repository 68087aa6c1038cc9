"""``vstar view``: a static, offline site to look at records, their frames and their verdicts."""
