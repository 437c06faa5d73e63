"""B2B customers: their payment terms on their online orders, their credit
limits holding (webhooks) or refusing (orders API) an order on account
above them (upstream sale_credit_limit), overdue reminders (upstream
account_dunning, account_dunning_email) and the quick order from a CSV of
SKUs and quantities."""
