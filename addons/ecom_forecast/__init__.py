"""Weekly demand forecasts per product and warehouse (statsforecast: ETS
for regular sellers, TSB for intermittent demand), refreshed every day;
the stock rules' days of cover, suggested reorders and low-stock alerts
use them."""
