"""Errors of the affiliates module: the model raises upstream's
ValidationError with a message naming the field (message.xml); nothing
here needs a class of its own yet."""
