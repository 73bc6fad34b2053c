"""What a Kabar process counts for Prometheus (`GET /metrics`).

One registry per process, owned by its Runtime (no module-level collectors: tests run many
Kabars in one process). Counters and histograms are what this process did since it
started; gauges of the deployment's state (outbox depth, alerts by rule) are read from the
database when scraped (bot/app/health.py), so every worker reports the same.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates_received = Counter(
            "kabar_updates_received", "Updates stored from Telegram", registry=r
        )
        self.updates_quarantined = Counter(
            "kabar_updates_quarantined", "Updates set aside unread", registry=r
        )
        self.updates_handled = Counter("kabar_updates_handled", "Updates handled", registry=r)
        self.handler_failures = Counter(
            "kabar_handler_failures", "Attempts to handle an update that failed", registry=r
        )
        self.messages_sent = Counter(
            "kabar_messages_sent", "Messages Telegram took, by kind", ["kind"], registry=r
        )
        self.messages_failed = Counter(
            "kabar_messages_failed",
            "Messages that failed for good, by kind and why (unreachable, cancelled, failed)",
            ["kind", "reason"],
            registry=r,
        )
        self.throttled = Counter(
            "kabar_throttled", "429 answers from Telegram (Too Many Requests)", registry=r
        )
        self.throttled_seconds = Counter(
            "kabar_throttled_seconds", "Seconds Telegram asked all sending to wait", registry=r
        )
        self.reply_seconds = Histogram(
            "kabar_reply_send_seconds",
            "From a reply being due (written, or out of quiet hours) to Telegram taking it",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        # Read from the database when scraped.
        self.outbox = Gauge(
            "kabar_outbox_messages", "Outbox messages by state", ["state"], registry=r
        )
        self.outbox_lag = Gauge(
            "kabar_outbox_lag_seconds", "How long the oldest due message has waited", registry=r
        )
        self.inbox_backlog = Gauge(
            "kabar_inbox_backlog", "Updates stored and not yet handled", registry=r
        )
        self.alerts = Gauge(
            "kabar_alerts", "Alerts by rule and status", ["rule", "status"], registry=r
        )
        self.round_size = Gauge(
            "kabar_round_families",
            "Families asked in each cohort's latest round",
            ["cohort"],
            registry=r,
        )
        self.leader = Gauge("kabar_is_leader", "1 while this worker leads", registry=r)
