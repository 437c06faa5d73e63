"""Shipping labels bought from the carrier: packages on the customer
shipment (upstream stock_package), *Buy Label* for one shipment or many
through the carrier's upstream connector (stock_package_shipping_sendcloud),
the label PDF kept on the package, the carrier's tracking number and page
on the shipment, from where the tracking email, the status webhook and the
storefront fulfilment push take them."""
