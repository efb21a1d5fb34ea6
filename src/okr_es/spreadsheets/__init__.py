"""Spreadsheets in and out: a cycle's OKRs as one row per key result, in CSV or XLSX.

``rows`` is the pure row model and its checks, ``tables`` reads and writes the files;
``history.sheets`` turns rows into the store's ids and back.
"""
