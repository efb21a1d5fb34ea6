"""Messaging: the integration events okr-es publishes and the relay that publishes them to
NATS JetStream (distributed mode, DESIGN.md §6)."""
