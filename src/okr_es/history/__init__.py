"""Reading the store for the learning analyses and the audit: each function here collects
plain data (decoded events or light records with their log positions, names, cycle dates)
from the application, never writing, and hands it to the pure functions in
:mod:`okr_es.learning`."""
