"""What the assistant answers to a shopper's message.

``answer(conversation, text, network)`` records the message and the reply
and returns the reply as a dict. A conversation waits for at most one
thing (``awaiting``): an order number and its email, the items or the
reason of a return, a contact email. Anything about an order is said only
once its number and the email it was placed with match (``verify``); a
wrong pair answers the same whether the order exists or not, and counts
as a failed check (``limits`` stops guessing). When the classifier is
unsure, the assistant offers a person: with a verified order or an email,
it opens a complaint holding the transcript (``hand_over``).
"""
import json

from trytond.i18n import gettext
from trytond.modules.ecom_base.customers import customer_for
from trytond.modules.ecom_returns.exceptions import ReturnRefused
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import intents
from .exceptions import TooManyMessages
from .replies import REASONS, say, state_text

# (messages or failed checks allowed, per minutes)
LIMITS = {
    'conversation_messages': (30, 10),
    'network_messages': (120, 10),
    'conversation_checks': (3, 60),
    'network_checks': (10, 60),
    }
NEEDS_ORDER = {'order_status', 'start_return'}
REASON_THRESHOLD = 70  # a reason's words: 'talla', 'size', 'llegó tarde'


def limits(conversation, network):
    "TooManyMessages when the conversation or its network said too much"
    Message = Pool().get('ecom.assistant.message')
    own = [('conversation', '=', conversation.id)]
    near = [('network', '=', network)] if network else None
    checks = [
        ('conversation_messages', own),
        ('network_messages', near),
        ('conversation_checks', own + [('failed_check', '=', True)]),
        ('network_checks', near and near + [('failed_check', '=', True)]),
        ]
    for name, domain in checks:
        allowed, minutes = LIMITS[name]
        if domain and Message.recent(domain, minutes) >= allowed:
            raise TooManyMessages(minutes, gettext(
                    'ecom_assistant.msg_too_many', minutes=minutes))


def answer(conversation, text, network=None):
    pool = Pool()
    Message = pool.get('ecom.assistant.message')
    Faq = pool.get('ecom.assistant.faq')
    limits(conversation, network)
    faqs = Faq.search([('company', '=', conversation.company.id)])
    examples = []
    for language in ('en', 'es'):
        with Transaction().set_context(language=language):
            examples.extend((f.id, f.examples()) for f in Faq.browse(faqs))
    intent, faq, confidence = intents.Classifier(examples).classify(text)
    turn = Turn(conversation, text, intent, faq)
    reply = turn.run()
    # what the message turned out to be (an answer to the waiting step,
    # not the FAQ entry it resembled)
    Message.create([{'conversation': conversation.id, 'sender': 'shopper',
                'text': text, 'intent': turn.intent,
                'faq': turn.faq if turn.intent == 'faq' else None,
                'confidence': confidence, 'network': network,
                'failed_check': turn.failed_check,
                }, {'conversation': conversation.id,
                'sender': 'assistant', 'text': reply}])
    conversation.save()
    result = {'conversation': conversation.token, 'reply': reply,
        'intent': turn.intent, 'confidence': confidence,
        'state': conversation.state, 'awaiting': conversation.awaiting}
    result.update(turn.extra)
    return result


class Turn:
    "One message of the shopper and what it leads to"

    def __init__(self, conversation, text, intent, faq):
        self.conversation = conversation
        self.language = conversation.language
        self.text = text
        self.intent = intent
        self.faq = faq
        self.failed_check = False
        self.extra = {}

    def say(self, key, **values):
        return say(self.language, key, **values)

    def run(self):
        conversation = self.conversation
        if conversation.state == 'handed_over':
            return self.say('already_handed_over',
                number=conversation.complaint.number)
        waiting = conversation.awaiting
        if waiting and waiting.startswith('return_'):
            # the items or the reason, unless it asks something else
            reply = getattr(self, f'on_{waiting}')()
            if reply or not self.intent:
                return reply or self.say(f'bad_{waiting[7:]}')
        elif waiting and (not self.intent or intents.email(self.text)
                or intents.order_number(self.text)):
            return getattr(self, f'on_{waiting}')()
        conversation.awaiting = None
        return self.on_intent()

    def on_intent(self):
        intent = self.intent
        if intent is None and (intents.email(self.text)
                and intents.order_number(self.text)):
            intent = self.intent = 'order_status'
        if intent in NEEDS_ORDER:
            self.conversation.next_intent = intent
            if self.conversation.sale:
                return self.then()
            return self.on_order()
        if intent == 'faq':
            Faq = Pool().get('ecom.assistant.faq')
            with Transaction().set_context(language=self.language):
                return Faq(self.faq).answer
        if intent in {'greeting', 'thanks'}:
            return self.say(intent)
        # unsure, or asked for a person
        if self.conversation.sale or self.conversation.email:
            return self.hand_over()
        self.conversation.awaiting = 'contact'
        return self.say('ask_contact')

    # the order's number and email -------------------------------------
    def on_order(self):
        conversation = self.conversation
        conversation.awaiting = 'order'
        numbers = intents.order_number(self.text)
        email = intents.email(self.text)
        if numbers:
            conversation.pending_order = ' '.join(numbers)[:200]
        if email:
            conversation.email = email
        if not conversation.pending_order and not conversation.email:
            return self.say('ask_order')
        if not conversation.email:
            return self.say('ask_email')
        if not conversation.pending_order:
            return self.say('ask_number')
        sale = self.verify(conversation.pending_order.split(),
            conversation.email)
        if not sale:
            # the number stays: the next message may correct the email
            conversation.email = None
            self.failed_check = True
            self.intent = 'order_check'
            return self.say('not_found')
        conversation.pending_order = None
        conversation.sale = sale
        conversation.awaiting = None
        return self.then()

    def verify(self, numbers, email):
        "The channel's order of one of numbers placed with email, or None"
        Sale = Pool().get('sale.sale')
        sales = Sale.search([
                ('ecom_channel', '=', self.conversation.channel.id),
                ('ecom_external_id', 'in', numbers),
                ])
        for sale in sales:
            if (sale.party.email or '').strip().lower() == email:
                return sale
        return None

    def then(self):
        "What was asked once the order is known"
        intent = self.conversation.next_intent or 'order_status'
        self.intent = intent
        self.conversation.next_intent = None
        if intent == 'start_return':
            return self.pick_lines()
        return self.status()

    def status(self):
        sale = self.conversation.sale
        status = sale.ecom_status()
        self.extra['order'] = status
        shipments = ''
        for shipment in status['shipments']:
            if shipment['tracking_number']:
                url = (f" ({shipment['tracking_url']})"
                    if shipment['tracking_url'] else '')
                shipments += self.say('shipment', number=shipment['number'],
                    carrier=shipment['carrier'] or '-',
                    tracking=shipment['tracking_number'], url=url)
            elif shipment['state'] not in {'draft', 'waiting'}:
                state = ('done_shipment' if shipment['state'] == 'done'
                    else shipment['state'])
                shipments += self.say('shipment_no_tracking',
                    number=shipment['number'],
                    state=state_text(self.language, state))
        payment = status['payment']
        due = ''
        if status['due'] and status['fulfilment'] not in {
                'shipped', 'delivered'} and sale.state != 'done':
            due = self.say('due', due=status['due'][:10])
        return self.say('status', order=sale.ecom_external_id,
            state=state_text(self.language,
                status['fulfilment'] or sale.state),
            payment=self.say('payment', payment=state_text(
                    self.language, payment)) if payment else '',
            shipments=shipments, due=due)

    # a return ---------------------------------------------------------
    def returnable(self):
        "[(sale line, quantity left to return)] of the verified order"
        pool = Pool()
        ActionLine = pool.get('sale.complaint.action-sale.line')
        sale = self.conversation.sale
        lines = [l for l in sale.lines
            if l.type == 'line' and l.product and l.quantity > 0]
        left = ActionLine.left_to_return(lines)
        return [(l, left[l]) for l in lines if left[l] > 1e-9]

    def pick_lines(self):
        order = self.conversation.sale.ecom_external_id
        lines = self.returnable()
        if not lines:
            return self.say('nothing_to_return', order=order)
        self.conversation.awaiting = 'return_lines'
        return self.say('pick_lines', order=order, lines='\n'.join(
                f"{i}. {l.product.rec_name} x {left:g}"
                for i, (l, left) in enumerate(lines, 1)))

    def on_return_lines(self):
        lines = self.returnable()
        chosen = intents.numbers(self.text)
        if chosen == 'all':
            chosen = list(range(1, len(lines) + 1))
        if not chosen or any(not 1 <= n <= len(lines) for n in chosen):
            return None
        self.intent = 'return_lines'
        self.conversation.return_lines = json.dumps(
            [lines[n - 1][0].id for n in sorted(set(chosen))])
        self.conversation.awaiting = 'return_reason'
        return self.say('pick_reason', reasons='\n'.join(
                f"{i}. {label}" for i, (_, label) in enumerate(
                    REASONS[self.language], 1)))

    def on_return_reason(self):
        reasons = REASONS[self.language]
        chosen = intents.numbers(self.text)
        reason = None
        if chosen and chosen != 'all' and 1 <= chosen[0] <= len(reasons):
            reason = reasons[chosen[0] - 1][0]
        else:
            text = intents.normalise(self.text)
            value, code = max((intents.score(text, intents.normalise(l)), c)
                for language in REASONS for c, l in REASONS[language])
            reason = code if value >= REASON_THRESHOLD else None
        if not reason:
            return None
        self.intent = 'return_reason'
        return self.open_return(reason)

    def open_return(self, reason):
        pool = Pool()
        Complaint = pool.get('sale.complaint')
        SaleLine = pool.get('sale.line')
        conversation = self.conversation
        sale = conversation.sale
        left = {l.id: q for l, q in self.returnable()}
        chosen = SaleLine.browse([i for i in json.loads(
                    conversation.return_lines or '[]') if i in left])
        conversation.awaiting = None
        conversation.return_lines = None
        try:
            complaint, _ = Complaint.ecom_open(sale,
                f'assistant-{conversation.id}-{len(conversation.messages)}',
                gettext('ecom_assistant.msg_return_note',
                    conversation=conversation.token),
                [(l.product.code, left[l.id], reason) for l in chosen])
        except ReturnRefused as error:
            return self.say('return_refused', reasons='; '.join(
                    reason for _, reason in error.errors))
        conversation.return_ = complaint
        self.intent = 'return_opened'
        self.extra['return'] = {'number': complaint.number,
            'state': complaint.state}
        return self.say('return_opened', number=complaint.number,
            order=sale.ecom_external_id)

    # a person ---------------------------------------------------------
    def on_contact(self):
        email = intents.email(self.text)
        if not email:
            return self.on_intent()
        self.conversation.email = email
        self.conversation.awaiting = None
        return self.hand_over()

    def hand_over(self):
        pool = Pool()
        Complaint = pool.get('sale.complaint')
        ModelData = pool.get('ir.model.data')
        conversation = self.conversation
        party = (conversation.sale.party if conversation.sale
            else customer_for(conversation.email))
        complaint, = Complaint.create([{
                    'type': ModelData.get_id(
                        'ecom_assistant', 'complaint_type_assistant'),
                    'company': conversation.company.id,
                    'customer': party.id,
                    'origin': str(conversation),
                    'description': gettext('ecom_assistant.msg_handover',
                        order=(conversation.sale.ecom_external_id
                            if conversation.sale else '-'),
                        email=conversation.email or party.email or '-',
                        transcript=conversation.transcript()
                        + f"\nshopper: {self.text}"),
                    }])
        conversation.complaint = complaint
        conversation.state = 'handed_over'
        self.intent = 'handed_over'
        self.extra['complaint'] = complaint.number
        return self.say('handed_over', number=complaint.number)

