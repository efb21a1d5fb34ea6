"""Outbound services (reminders, and whatever else tells people things) and the process
that runs them: inside ``okr-es serve`` in embedded mode, as ``okr-es notify`` otherwise."""
