"""Sentences for KPIs and key results graduating into one."""

from __future__ import annotations

from okr_es.projections.sentences.words import (
    _UNIT_SIGN,
    _say,
    corridor,
    number,
    quote,
)
from okr_es.vocabulary.language import Language


def kpi_defined(
    language: Language,
    actor: str,
    kpi: str,
    lower: float | None,
    upper: float | None,
    unit: str,
) -> str:
    k, c = quote(kpi, language), corridor(lower, upper, unit, language)
    return _say(
        language,
        f"{actor} begynte å følge KPI-en {k} (korridor: {c})",
        f"{actor} started tracking the KPI {k} (corridor: {c})",
    )


def kpi_measured(language: Language, actor: str, kpi: str | None, value: float, unit: str) -> str:
    sign = _UNIT_SIGN.get(unit, unit)
    shown = number(value, language) + (f" {sign}" if sign else "")
    k = quote(kpi, language)
    return _say(language, f"{actor} målte {k}", f"{actor} measured {k}", shown)


def kpi_corridor_changed(
    language: Language,
    actor: str,
    kpi: str | None,
    lower: float | None,
    upper: float | None,
    unit: str,
    reason: str,
) -> str:
    k, c = quote(kpi, language), corridor(lower, upper, unit, language)
    return _say(
        language,
        f"{actor} endret korridoren for {k} til {c}",
        f"{actor} changed the corridor of {k} to {c}",
        reason,
    )


def kpi_retired(language: Language, actor: str, kpi: str | None, reason: str) -> str:
    k = quote(kpi, language)
    return _say(
        language, f"{actor} sluttet å følge KPI-en {k}", f"{actor} retired the KPI {k}", reason
    )


def key_result_graduated(
    language: Language, actor: str, key_result: str | None, kpi: str | None
) -> str:
    k, n = quote(key_result, language), quote(kpi, language)
    return _say(
        language,
        f"{actor} gjorde nøkkelresultatet {k} om til KPI-en {n}",
        f"{actor} graduated the key result {k} into the KPI {n}",
    )
