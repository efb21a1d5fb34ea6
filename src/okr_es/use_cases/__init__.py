"""The use cases, one module per area; :class:`okr_es.application.OKRApplication` composes them.

A module here holds every command of its area and nothing else: ``organizations``,
``tokens``, ``cycles``, ``team_cycles``, ``objectives``, ``initiatives``, ``kpis``.
``reads`` loads aggregates for the edges and the commands; ``machinery`` holds what they
all share (cache, saving, retries, locks, business time).
"""
