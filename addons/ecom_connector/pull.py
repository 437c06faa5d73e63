"""What both connectors do with the orders a pull fetched: store each as a
storefront event of source *pull* (processed like a webhook, idempotent),
and move the channel's watermark to the newest modification seen."""
import json

from trytond.modules.ecom_orders.event_process import facts
from trytond.pool import Pool


class Pulled:
    "The events of one pull of a channel's orders"

    def __init__(self, channel, kind, topic):
        self.channel, self.kind, self.topic = channel, kind, topic
        self.since = self.newest = channel.ecom_pull_watermark
        self.events, self.count = [], 0

    def add(self, orders):
        "Store a page of orders (the storefront's JSON) as events"
        Event = Pool().get('ecom.storefront.event')
        for order in orders:
            details = facts(self.kind, order)
            event, _ = Event.receive(self.channel, self.kind, self.topic,
                json.dumps(order, sort_keys=True).encode(), details,
                source='pull')
            self.events.append(event)
            modified = details.get('modified_at')
            if modified and (self.newest is None or modified > self.newest):
                self.newest = modified
        self.count += len(orders)

    def finish(self):
        """Save the watermark, queue the events' processing; (count, None)
        as a task returns it"""
        Event = Pool().get('ecom.storefront.event')
        if self.newest != self.since:
            self.channel.ecom_pull_watermark = self.newest
            self.channel.save()
        Event.queue(self.events)
        return self.count, None
