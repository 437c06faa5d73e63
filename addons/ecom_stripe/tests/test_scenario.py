"""Card payments from the back office: an order authorised at checkout is
captured through Stripe when it ships, a return's credit note refunded
through Stripe when the parcel is back, both reconciled by themselves."""
from trytond.tests.test_tryton import load_doc_tests


def load_tests(*args, **kwargs):
    return load_doc_tests(__name__, __file__, *args, **kwargs)
