"""Charts in sao (mixed into the demo browser test): Reports > Sales over
Time and Storefront Funnel, and a demand forecast's weeks on its form.
billboard.js draws a chart as SVG once the figures are read: one
``.bb-line`` per series. Screenshots in the test's ``artifacts``."""
import os
import time

from tests.daily_work_browser import open_row


class ChartsBrowser:

    def wait_chart(self, driver, wait, By, lines, legend, screenshot):
        """At least lines series drawn and legend shown (the charts of
        the other tabs stay in the page, hidden); screenshot"""
        wait.until(lambda d: len([e for e in d.find_elements(
                        By.CSS_SELECTOR, '.graph svg .bb-line')
                    if e.is_displayed()]) >= lines)
        wait.until(lambda d: any(e.is_displayed() for e in d.find_elements(
                    By.XPATH, f"//*[normalize-space(text())='{legend}']")))
        time.sleep(1)  # let the line transition finish for the screenshot
        driver.save_screenshot(os.path.join(self.artifacts, screenshot))

    def open_report(self, driver, wait, By, EC, name, lines, legend,
            screenshot):
        "An entry of the expanded Reports menu opens on its chart"
        entry = wait.until(EC.visibility_of_element_located((By.XPATH,
                    f"//tr//*[normalize-space(text())='{name}']")))
        entry.click()
        tab = ("//*[contains(@class, 'tab')]"
            f"//*[normalize-space(text())='{name}']")
        wait.until(EC.visibility_of_element_located((By.XPATH, tab)))
        self.wait_chart(driver, wait, By, lines, legend, screenshot)

    def open_reports(self, driver, wait, By, EC):
        "Sales over Time (net sales, previous period); the storefront funnel"
        reports = wait.until(EC.visibility_of_element_located((By.XPATH,
                    "//tr[.//*[normalize-space(text())='Reports']]")))
        reports.find_element(By.CSS_SELECTOR, '.expander').click()
        self.open_report(driver, wait, By, EC, "Sales over Time", 2,
            "Net Sales (Previous Period)", 'report-sales-over-time.png')
        # visits, product viewers, carts, checkouts, orders
        self.open_report(driver, wait, By, EC, "Storefront Funnel", 5,
            "Started Checkout", 'report-storefront-funnel.png')

    def open_demand_forecast(self, driver, wait, By, EC):
        """Catalog (expanded) > Demand Forecasts: the best seller's forecast
        (the list's first row) opens on the chart of its weeks: sold, and
        the model's forecast"""
        entry = wait.until(EC.visibility_of_element_located((By.XPATH,
                    "//tr//*[normalize-space(text())='Demand Forecasts']")))
        entry.click()
        cell = "//tr[1]/td[@data-title='Method: ']"
        row = wait.until(EC.visibility_of_element_located((By.XPATH, cell)))
        open_row(driver, row)
        self.wait_chart(driver, wait, By, 2, "Forecast",
            'demand-forecast.png')
