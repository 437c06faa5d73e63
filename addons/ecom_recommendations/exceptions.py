"""Errors of the recommendations module: the API answers IntakeError
(ecom_orders.api) naming the field; the models raise nothing of their
own."""
