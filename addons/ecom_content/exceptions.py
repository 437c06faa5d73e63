"""Errors of the content module: the models raise upstream's
ValidationError with a message naming the field (message.xml); the API
answers IntakeError (ecom_orders.api) naming the query parameter."""
