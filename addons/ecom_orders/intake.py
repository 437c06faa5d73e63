"""From validated storefront orders to confirmed sales, in one transaction.

``Intake`` is used by the HTTP routes (see routes.py) in three steps:

1. ``prepare`` (read-only): find the products of the SKUs, so that the
   reservation rows to lock are known before the writing transaction.
2. ``run`` (writing, retried by the caller): lock the reservation rows
   first, then for each order: idempotency, customer, addresses, lines,
   totals check, available-to-sell check, and finally create, quote and
   confirm every accepted sale in bulk.
3. the caller writes one ``ecom.intake.log`` entry per order.

An order refused at any step leaves nothing but its log entry.
"""
import datetime
from decimal import Decimal

from trytond import backend
from trytond.pool import Pool
from trytond.transaction import Transaction

from .attribution import Marketing
from .channel_tax import StorefrontTaxes
from .exceptions import FieldErrors
from .intake_format import IntakeError, http_error, net_unit_price
from .lifecycle import address_key
from .stock import available_to_sell


class Intake:
    "The intake of a batch of orders for one channel"

    def __init__(self, channel, backorders=False):
        self.channel_id = channel.id
        self.company_id = channel.company.id
        self.warehouse_id = channel.warehouse.id if channel.warehouse else None
        # A storefront that took the order already: never refused for stock
        self.backorders = backorders

    # Step 1 -----------------------------------------------------------
    def prepare(self, items):
        """Resolve each line's product (read-only): the channel's listing of
        the storefront's product/variant first, the SKU second; return the
        goods' product ids to lock"""
        pool = Pool()
        Product = pool.get('product.product')
        Listing = pool.get('ecom.channel.listing')
        items = self.pending(items)
        lines = [l for i in items for l in i.order.lines]
        listed = Listing.products(
            self.channel_id, {l.product_ref for l in lines if l.product_ref})
        products = {}
        skus = sorted({l.sku for l in lines if l.sku})
        for product in Product.search([('code', 'in', skus)]):
            products.setdefault(product.code, product)
        goods = set()
        for item in items:
            errors = []
            for i, line in enumerate(item.order.lines):
                product = (listed.get((line.product_ref, line.variant_ref))
                    or listed.get((line.product_ref, '')))
                name = repr(line.sku)
                if product is None and line.sku:
                    product = products.get(line.sku)
                if product is None:
                    errors.append(_unmapped(i, line))
                    continue
                if not line.sku:
                    name = repr(product.rec_name)
                if not product.salable:
                    errors.append((f'lines[{i}].sku',
                            f"product {name} is not salable"))
                else:
                    item.products[i] = product.id
                    if product.type == 'goods':
                        goods.add(product.id)
            if errors:
                item.result.reject(IntakeError(422, errors, 'unknown_product'))
        if not self.warehouse_id and goods:
            for item in self.pending(items):
                item.result.reject(IntakeError(422, [('channel',
                                "the channel's web shop has no warehouse")]))
            goods = set()
        return goods

    @staticmethod
    def pending(items):
        return [i for i in items if i.result.status == 'pending']

    # Step 2 -----------------------------------------------------------
    def run(self, items, goods):
        "Create the sales; must run in a fresh writing transaction"
        pool = Pool()
        Sale = pool.get('sale.sale')
        StockLock = pool.get('ecom.stock.lock')
        if goods and not StockLock.acquire(self.warehouse_id, goods):
            raise RuntimeError("reservation rows are missing")
        self.channel = pool.get('ecom.channel')(self.channel_id)
        self._find_duplicates(items)
        todo = self.pending(items)
        if not todo:
            return
        self._caches(todo)
        self.batch = {}
        marketing = Marketing()
        self.now = datetime.datetime.now()
        available = available_to_sell(self.channel.warehouse, goods)
        sales = []
        for item in todo:
            try:
                sale = self._build(item)
                self._check_totals(item.order, sale)
                # a held sale reserves nothing
                hold = sale.ecom_intake_hold(
                    item.order, not self.backorders, self.batch
                    ) or self._reserve(item, sale, available)
            except (IntakeError, FieldErrors) as e:
                item.result.reject(http_error(e))
                continue
            sale.ecom_hold_reason = hold
            # accepted: its new campaign names may be created now
            marketing.apply(sale, item.order.attribution)
            sales.append((item, sale))
        if not sales:
            return
        sales_only = [s for _, s in sales]
        self._prefill(sales_only)
        for chunk in _chunks(sales_only):
            self._save_parties(chunk)
        # The workflow runs as for any sale; what it would compute again
        # (number, dates, amounts) is filled in already, so it writes less.
        with Transaction().set_context(
                ecom_amounts_cached=True, ecom_intake=True):
            for chunk in _chunks(sales_only):
                Sale.save(chunk)
                Sale.quote(chunk)
                if confirm := [s for s in chunk if not s.ecom_hold_reason]:
                    Sale.confirm(confirm)
        pool.get('ecom.payment.transaction').from_orders(
            self.channel, [(s, i.order) for i, s in sales])
        Sale.ecom_intake_saved([(s, i.order) for i, s in sales])
        for item, sale in sales:
            r = item.result
            r.sale, r.number = sale.id, sale.number
            if sale.ecom_hold_reason:
                r.status, r.http_status = 'on_hold', 202
                r.reason = sale.ecom_hold_reason
            else:
                r.status, r.http_status = 'accepted', 201
        for item in items:
            if item.first is not None:
                item.result.sale = item.first.result.sale
                item.result.number = item.first.result.number

    def _prefill(self, sales):
        "Number, dates and amount caches, as quote and confirm set them"
        pool = Pool()
        Config = pool.get('sale.configuration')
        Date = pool.get('ir.date')
        today = Date.today()
        sequence = Config(1).get_multivalue(
            'sale_sequence', company=self.company_id)
        for sale, number in zip(sales, sequence.get_many(len(sales))):
            sale.number = number
            sale.quotation_date = today
            if not sale.ecom_hold_reason:
                sale.sale_date = today
                sale.untaxed_amount_cache = sale.untaxed_amount
                sale.tax_amount_cache = sale.tax_amount
                sale.total_amount_cache = sale.total_amount

    def _find_duplicates(self, items):
        Sale = Pool().get('sale.sale')
        todo = self.pending(items)
        ids = sorted({i.order.external_id for i in todo})
        existing = {}
        if ids:
            for sale in Sale.search([
                        ('ecom_channel', '=', self.channel_id),
                        ('ecom_external_id', 'in', ids),
                        ]):
                existing[sale.ecom_external_id] = sale
        seen = {}
        for item in todo:
            sale = existing.get(item.order.external_id)
            r = item.result
            if sale:
                r.status, r.http_status = 'duplicate', 200
                r.sale, r.number = sale.id, sale.number
            elif item.order.external_id in seen:
                # Twice in the same batch: the first one wins.
                first = seen[item.order.external_id]
                r.status, r.http_status, r.reason = 'duplicate', 200, (
                    "same external_id earlier in this batch")
                item.first = first
            else:
                seen[item.order.external_id] = item

    def _caches(self, items):
        pool = Pool()
        Currency = pool.get('currency.currency')
        Country = pool.get('country.country')
        Subdivision = pool.get('country.subdivision')
        Mechanism = pool.get('party.contact_mechanism')
        Lang = pool.get('ir.lang')
        orders = [i.order for i in items]
        self.currencies = {c.code: c for c in Currency.search(
                [('code', 'in', sorted({o.currency for o in orders}))])}
        codes = {a.country for o in orders for a in (o.billing, o.shipping)}
        self.countries = {c.code: c for c in Country.search(
                [('code', 'in', sorted(codes))])}
        subs = {f'{a.country}-{a.subdivision}' for o in orders
            for a in (o.billing, o.shipping) if a.subdivision}
        self.subdivisions = {s.code: s for s in Subdivision.search(
                [('code', 'in', sorted(subs))])} if subs else {}
        emails = sorted({e for o in orders
                for e in (o.email, o.email.lower())})
        self.parties = {}
        for mechanism in Mechanism.search([
                    ('type', '=', 'email'), ('value', 'in', emails),
                    ('party.active', '=', True),
                    ], order=[('id', 'ASC')]):
            self.parties.setdefault(
                mechanism.value.lower(), mechanism.party)
        # the customers' terms (a B2B customer's Net 30) in one read, as
        # on_change of the party gives a staff sale
        self.terms = {r['id']: r['customer_payment_term']
            for r in pool.get('party.party').read(
                sorted({p.id for p in self.parties.values()}),
                ['customer_payment_term'])}
        self.langs = {l.code: l for l in Lang.search(
                [('translatable', '=', True)])}
        self.products = {p.id: p for p in pool.get('product.product').browse(
                sorted({i for it in items for i in it.products.values()}))}
        self.taxes = {}
        self.storefront_taxes = StorefrontTaxes(self.channel)
        self.new_parties = []
        self.new_addresses = {}

    def _party(self, order):
        pool = Pool()
        Party = pool.get('party.party')
        Mechanism = pool.get('party.contact_mechanism')
        key = order.email.lower()
        party = self.parties.get(key)
        if party is None:
            mechanisms = [Mechanism(type='email', value=order.email)]
            if order.phone:
                mechanisms.append(Mechanism(type='phone', value=order.phone))
            party = Party(
                name=order.customer_name, contact_mechanisms=mechanisms,
                addresses=[], lang=self.langs.get(order.lang))
            self.new_addresses[key] = []
            self.parties[key] = party
            self.new_parties.append(party)
        return party

    def _address(self, party, order, address, path):
        Address = Pool().get('party.address')
        country = self.countries.get(address.country)
        if not country:
            raise IntakeError(422, [(f'{path}.country',
                        f"unknown country {address.country!r}")])
        new_addresses = self.new_addresses.setdefault(order.email.lower(), [])
        for existing in list(party.addresses or []) + new_addresses:
            if address_key(existing) == address.key():
                return existing
        new = Address(
            party=party, party_name=address.name,
            street_unstructured=address.street, city=address.city,
            postal_code=address.postal_code, country=country,
            subdivision=self.subdivisions.get(
                f'{address.country}-{address.subdivision}'))
        new_addresses.append(new)
        return new

    def _build(self, item):
        Sale = Pool().get('sale.sale')
        order, channel = item.order, self.channel
        currency = self.currencies.get(order.currency)
        if not currency:
            raise IntakeError(422, [
                    ('currency', f"unknown currency {order.currency!r}")])
        if order.delivery == 'pickup' and not channel.pickup:
            raise IntakeError(422, [('shipping.type',
                        "the channel does not offer store pickup")])
        party = self._party(order)
        sale = Sale(
            company=channel.company, currency=currency, party=party,
            payment_term=self.terms.get(party.id),
            warehouse=channel.warehouse, ecom_channel=channel,
            ecom_external_id=order.external_id,
            reference=order.external_id,
            invoice_method='order', shipment_method='order',
            ecom_payment_state=order.payment_state,
            ecom_payment_reference=order.payment_reference,
            ecom_coupons=', '.join(order.coupons) or None,
            ecom_storefront_total=order.total,
            ecom_delivery=order.delivery,
            ecom_ordered_at=min(order.created_at or self.now, self.now))
        sale.ecom_due = channel.sla_due(sale.ecom_ordered_at)
        sale.invoice_address = self._address(
            party, order, order.billing, 'billing_address')
        sale.shipment_address = self._address(
            party, order, order.shipping, 'shipping_address')
        lines, unmapped = [], []
        storefront = self.storefront_taxes
        for index, order_line in enumerate(order.lines):
            product = self.products[item.products[index]]
            lines.append(self._line(
                    sale, product, Decimal(order_line.quantity),
                    net_unit_price(order_line), storefront.taxes(
                        order_line.taxes, f'lines[{index}].taxes', unmapped)
                    if storefront.active else None))
        if order.shipping_amount:
            if not channel.shipping_product:
                raise IntakeError(422, [('shipping.amount',
                            ("the channel has no shipping product to "
                            "charge shipping with"))])
            line = self._line(sale, channel.shipping_product, Decimal(1),
                net_unit_price(_Plain(order.shipping_amount)),
                storefront.taxes(order.shipping_taxes, 'shipping.taxes',
                    unmapped) if storefront.active else None)
            line.description = ' '.join(
                filter(None, ["Shipping:", order.shipping_method]))
            lines.append(line)
        if unmapped:
            raise IntakeError(422, unmapped, 'unmapped_tax')
        # other modules' lines (loyalty points); batch: their scratch space
        lines.extend(sale.ecom_intake_lines(order, lines, self.batch))
        sale.lines = lines
        for line in lines:
            line.amount = line.on_change_with_amount()
        sale.on_change_lines()
        return sale

    def _line(self, sale, product, quantity, unit_price, taxes=None):
        "A sale line with the product's taxes, or the given taxes"
        Line = Pool().get('sale.line')
        line = Line(
            sale=sale, type='line', product=product,
            quantity=float(quantity), unit=product.sale_uom,
            unit_price=unit_price, warehouse=sale.warehouse)
        if taxes is not None:
            line.taxes = taxes
            return line
        party = sale.party if sale.party.id else None
        # tax rules may depend on the destination (ecom_vat: EU VAT)
        address = sale.shipment_address
        country = address.country.id if address and address.country else None
        key = (product.id, party.id if party else None, country)
        if key not in self.taxes:
            self.taxes[key] = line.compute_taxes(party)
        line.taxes = self.taxes[key]
        return line

    def _check_totals(self, order, sale):
        errors = []
        if sale.total_amount != order.total:
            errors.append(('totals.total',
                    (f"the storefront total {order.total} {order.currency} "
                    f"differs from the order total {sale.total_amount} "
                    f"{order.currency} computed from lines, shipping and "
                    f"taxes")))
        if order.tax is not None and sale.tax_amount != order.tax:
            errors.append(('totals.tax',
                    (f"the storefront tax {order.tax} {order.currency} "
                    f"differs from the computed tax {sale.tax_amount} "
                    f"{order.currency}")))
        if errors:
            raise IntakeError(422, errors, 'total_mismatch')

    def _reserve(self, item, sale, available):
        "Take the quantities; return a hold reason or None"
        Uom = Pool().get('product.uom')
        wanted = {}
        for line in sale.lines:
            product = line.product
            if product.type != 'goods':
                continue
            wanted[product] = wanted.get(product, 0) + Uom.compute_qty(
                line.unit, line.quantity, product.default_uom, round=False)
        short = []
        for i, order_line in enumerate(item.order.lines):
            product = self.products[item.products[i]]
            if product in wanted and wanted[product] > available[product.id]:
                short.append((f'lines[{i}].quantity',
                        (f"{_named(order_line, product)}: {wanted[product]:g} "
                        f"ordered, {max(available[product.id], 0):g} "
                        f"available to sell in "
                        f"{self.channel.warehouse.rec_name}")))
                del wanted[product]
        if short and not (self.backorders or self.channel.allow_backorders):
            raise IntakeError(409, short, 'out_of_stock')
        if short:
            # On hold: not confirmed, so it reserves nothing.
            return "Backorder: " + "; ".join(r for _, r in short)
        for product, quantity in wanted.items():
            available[product.id] -= quantity
        return None

    def _save_parties(self, sales):
        pool = Pool()
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        used = {s.party for s in sales}
        new = [p for p in self.new_parties if p in used]
        if new:
            Party.save(new)
        addresses = [a for s in sales
            for a in (s.invoice_address, s.shipment_address)
            if a.id is None or a.id < 0]
        if addresses:
            Address.save(list({id(a): a for a in addresses}.values()))


def _unmapped(i, line):
    "The error of a line whose product is not found"
    if line.product_ref:
        variant = f" variant {line.variant_ref}" if line.variant_ref else ''
        what = (f"storefront product {line.product_ref}{variant} is not "
            "mapped to a product (Sales Channel > Listings)")
        if line.sku:
            return (f'lines[{i}].sku', f"unknown SKU {line.sku!r} and {what}")
        return (f'lines[{i}].product_id', f"has no SKU and {what}")
    return (f'lines[{i}].sku', f"unknown SKU {line.sku!r}")


def _named(line, product):
    return f"SKU {line.sku!r}" if line.sku else repr(product.rec_name)


def _chunks(records):
    "Slices SQLite can validate at once (its parser overflows beyond)"
    size = 40 if backend.name == 'sqlite' else len(records) or 1
    for i in range(0, len(records), size):
        yield records[i:i + size]


class _Plain:
    "A one-unit line without discount, to round a price like a line"

    def __init__(self, amount):
        self.quantity, self.unit_price = Decimal(1), amount
        self.discount = Decimal(0)


