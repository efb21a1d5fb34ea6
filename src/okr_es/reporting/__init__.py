"""Reporting for BI tools: the star schema of ``projections.reporting_views`` as files."""
