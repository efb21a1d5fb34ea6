"""Read models: tracked projections of the event log into plain query-shaped tables."""
