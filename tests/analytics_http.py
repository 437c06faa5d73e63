"""Visit analytics over real HTTP (mixed into the intake HTTP test: its demo
database and server): the beacon route with the public beacon key or the
API key, refusals, then the hourly summary and the funnel over JSON-RPC."""
import datetime as dt
import json
import urllib.error
import urllib.request


class AnalyticsHTTPTests:
    "POST …/events: stored in bulk, nothing stored on bad input"

    def analytics_rpc(self, model, method, *params, **context):
        prefs = self.rpc('model.res.user.get_preferences', True, {})
        return self.rpc(f'model.{model}.{method}', *params,
            dict(prefs, **context))

    def beacon(self, events, key=None, channel=None, bearer=None):
        "POST the events as a browser does (text/plain, ?key=)"
        query = f'?key={key}' if key else ''
        headers = {'Content-Type': 'text/plain'}
        if bearer:
            headers['Authorization'] = f'Bearer {bearer}'
        body = events if isinstance(events, bytes) else json.dumps(
            {'events': events}).encode()
        request = urllib.request.Request(
            f"{self.server.url}{self.database}/ecom/v1/channels/"
            f"{channel or self.fx['app']}/events{query}",
            data=body, method='POST', headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return (response.status, json.load(response),
                    response.headers)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e), e.headers

    def test_beacon_events_and_funnel(self):
        "Events by beacon key and API key, refusals, the day's funnel"
        app = self.fx['app']
        self.analytics_rpc('ecom.channel', 'generate_analytics_key', [app])
        key, = [c['analytics_key'] for c in self.analytics_rpc(
                'ecom.channel', 'read', [app], ['analytics_key'])]
        sku = min(self.fx['skus'])
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)

        def event(kind, session, minutes, **extra):
            return dict(type=kind, session=session, url='https://a.example/',
                at=(now - dt.timedelta(minutes=minutes)).isoformat(),
                **extra)
        before = self.analytics_rpc(
            'ecom.analytics.event', 'search_count', [])
        status, answer, headers = self.beacon([
                event('page_view', 'h1', 9),
                event('product_view', 'h1', 8, sku=sku),
                event('add_to_cart', 'h1', 7, sku=sku),
                event('page_view', 'h2', 5)], key=key)
        self.assertEqual((status, answer['accepted']), (202, 4), answer)
        self.assertEqual(headers['Access-Control-Allow-Origin'], '*')
        # a storefront's server: the API key, JSON
        status, answer, _ = self.beacon([event('checkout_started', 'h1', 6)],
            bearer=self.fx['app_key'])
        self.assertEqual((status, answer['accepted']), (202, 1), answer)
        # refused, each field named, nothing stored
        for args, status, field in [
                (([event('add_to_cart', 'h3', 1)],), 422, 'events[0].sku'),
                (([event('page_view', 'h3', 3 * 24 * 60)],), 422,
                    'events[0].at'),
                (([event('page_view', 'bad id', 1)],), 422,
                    'events[0].session'),
                ((b'{"events": [',), 400, 'body'),
                ((json.dumps({'events': [event('page_view', 'x', 1)]
                                * 400, 'pad': 'x' * (600 << 10)}).encode(),),
                    413, 'body'),
                ]:
            code, answer, _ = self.beacon(*args, key=key)
            self.assertEqual(code, status, answer)
            self.assertEqual(answer['errors'][0]['field'], field, answer)
        for kwargs, status, field in [
                ({'key': 'pk_guess'}, 401, 'key'),
                ({'key': key, 'channel': self.fx['other']}, 401, 'key'),
                ({'bearer': self.fx['app_key'],
                        'channel': self.fx['other']}, 403, 'channel'),
                ({}, 401, 'Authorization'),
                ({'key': key, 'channel': 999999}, 404, 'channel')]:
            code, answer, _ = self.beacon(
                [event('page_view', 'h4', 1)], **kwargs)
            self.assertEqual((code, answer['errors'][0]['field']),
                (status, field), (kwargs, answer))
        events = self.analytics_rpc('ecom.analytics.event', 'search_read',
            [('id', '>', 0)], 0, None, [('id', 'DESC')],
            ['session', 'ip_prefix', 'path', 'product'])
        self.assertEqual(len(events) - before, 5)
        self.assertEqual({e['ip_prefix'] for e in events[:5]},
            {'127.0.0.0/24'})
        # the hourly summary, run now; the day's funnel
        cron, = self.rpc('model.ir.cron.search',
            [('method', '=', 'ecom.analytics.daily|run_daily')], 0, 1, None,
            {})
        self.rpc('model.ir.cron.run_once', [cron], {})
        today = now.date()
        date = {'__class__': 'date', 'year': today.year,
            'month': today.month, 'day': today.day}
        rows = self.analytics_rpc('ecom.analytics.report.funnel',
            'search_read', [('channel', '=', app)], 0, None, None,
            ['visits', 'cart_sessions', 'checkout_sessions', 'conversion'],
            from_date=date, to_date=date)
        self.assertEqual(len(rows), 1, rows)
        self.assertGreaterEqual(rows[0]['visits'], 2)
        self.assertGreaterEqual(rows[0]['checkout_sessions'], 1)
