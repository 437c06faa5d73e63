"""Card payments operated from the back office (upstream
account_payment_stripe): a Stripe channel's authorised payments captured
when the order ships, its credit notes (returns) refunded through Stripe,
both reconciled with the invoice by themselves."""
