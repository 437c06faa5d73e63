"""Daily work in sao (mixed into the demo browser test, sharing its demo and
server): a clerk ships an order with its tracking number from Orders to
Prepare; an accountant settles a capture from To Reconcile; a confirmed
order opens on its E-commerce page, and one priced by the back office shows
its promotions. Screenshots in var/artifacts/."""
import os
import time

from tests.server import ROOT

ARTIFACTS = os.path.join(ROOT, 'var', 'artifacts')


def displayed(elements):
    "The first of the elements shown (the other tabs' copies are hidden)"
    shown = [e for e in elements if e.is_displayed()]
    assert shown, "no element shown"
    return shown[0]


def open_row(driver, cell):
    """Double-click the cell's row, scrolled into the list's view first: a
    row below the list's scrolled area was clicked where another element
    was (seen once on SQLite, the order never opened)"""
    from selenium.webdriver.common.action_chains import ActionChains
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'});", cell)
    time.sleep(0.3)
    ActionChains(driver).double_click(cell).perform()


class DailyWorkBrowser:

    def record(self, model, domain, fields):
        session = self.server.login('admin', self.password)
        records = self.server.rpc(f'model.{model}.search_read', domain, 0,
            None, None, fields, {}, session=session)
        self.assertEqual(len(records), 1, records)
        return records[0]

    def ship_first_order(self, driver, wait, By, EC, artifacts):
        """Orders to Prepare (open): select the most urgent order, Action >
        Ship, type the tracking number, Ship: the order is shipped"""
        first = "//tr[td[@data-title='Fulfilment: ']][1]"
        cell = wait.until(EC.visibility_of_element_located((By.XPATH,
                    first + "/td[@data-title='Number: ']")))
        number = cell.text
        sale = self.record('sale.sale', [('number', '=', number)],
            ['ecom_delivery', 'ecom_channel.require_tracking'])
        pickup = sale['ecom_delivery'] == 'pickup'
        needs_tracking = (not pickup
            and sale['ecom_channel.']['require_tracking'])
        cell.click()
        displayed(driver.find_elements(By.ID, 'action')).click()
        wait.until(EC.visibility_of_element_located((By.XPATH,
                    "//a[normalize-space(.)='Ship']"))).click()
        tracking = wait.until(EC.visibility_of_element_located((By.XPATH,
                    "//input[@name='tracking_number']")))
        # when the order's channel requires it, the label says so before
        label = driver.find_element(By.XPATH,
            "//label[normalize-space(.)='Tracking Number:']")
        self.assertEqual('required' in label.get_attribute('class'),
            bool(needs_tracking))
        tracking.send_keys('RP-BROWSER-1')
        driver.save_screenshot(os.path.join(artifacts, 'ship-order.png'))
        displayed(driver.find_elements(By.XPATH,
                "//div[contains(@class, 'modal-footer')]"
                "//button[normalize-space(.)='Ship']")).click()
        wait.until(EC.invisibility_of_element(tracking))
        sale = self.record('sale.sale', [('number', '=', number)],
            ['ecom_fulfilment', 'ecom_tracking'])
        self.assertEqual((sale['ecom_fulfilment'], sale['ecom_tracking']),
            ('delivered' if pickup else 'shipped', 'RP-BROWSER-1'))
        shipped = (first + "/td[@data-title='Fulfilment: ']"
            f"[normalize-space(.)='{'Delivered' if pickup else 'Shipped'}']")
        wait.until(EC.visibility_of_element_located((By.XPATH, shipped)))
        driver.save_screenshot(os.path.join(artifacts, 'order-shipped.png'))
        return number

    def open_order(self, driver, wait, By, EC, number, artifacts):
        "Its row opens the order on the E-commerce page, tracking shown"
        cell = ("//tr/td[@data-title='Number: ']"
            f"[normalize-space(.)='{number}']")
        row = wait.until(EC.visibility_of_element_located((By.XPATH, cell)))
        open_row(driver, row)
        wait.until(lambda d: any(e.is_displayed() and e.get_attribute(
                        'value') == 'RP-BROWSER-1'
                for e in d.find_elements(By.XPATH,
                    "//input[@name='ecom_tracking']")))
        time.sleep(1)
        driver.save_screenshot(os.path.join(artifacts, 'order-form.png'))

    def open_order_promotions(self, driver, wait, By, EC, artifacts):
        """Orders to Prepare again: an order of the mobile app (priced by
        the back office) shows the promotions applied on its first page,
        and on its Promotions tab each promotion applied or not, and why"""
        sale = self.record('sale.sale', [('ecom_external_id', '=', 'P1'),
                ('ecom_channel.code', '=', 'app')], ['number'])
        wait.until(EC.visibility_of_element_located((By.XPATH,
                    "//tr//*[normalize-space(text())='Orders to Prepare']"))
            ).click()
        cell = ("//tr/td[@data-title='Number: ']"
            f"[normalize-space(.)='{sale['number']}']")
        wait.until(EC.visibility_of_any_elements_located((By.XPATH, cell)))
        time.sleep(1)  # the new tab's list replaces the first one's
        open_row(driver, displayed(driver.find_elements(By.XPATH, cell)))
        wait.until(lambda d: any(e.is_displayed() and '3x2 on bottles' in (
                        e.get_attribute('value') or '')
                for e in d.find_elements(By.XPATH,
                    "//input[@name='ecom_promotions_applied']")))
        displayed(driver.find_elements(By.XPATH,
                "//a[normalize-space(.)='Promotions']")).click()
        for text in ["3x2 on bottles", "needs its coupon code"]:
            wait.until(EC.visibility_of_any_elements_located((By.XPATH,
                        f"//td[contains(normalize-space(.), '{text}')]")))
        time.sleep(1)
        driver.save_screenshot(
            os.path.join(artifacts, 'order-promotions.png'))

    def settle_by_hand(self, driver, wait, By, EC, artifacts):
        """Gateway Payments > To Reconcile: open the first capture, mark it
        reconciled by hand"""
        wait.until(EC.visibility_of_element_located((By.XPATH,
                    "//tr//*[normalize-space(text())='Gateway Payments']"))
            ).click()
        tab = wait.until(EC.visibility_of_any_elements_located((By.XPATH,
                    "//a[contains(normalize-space(.), 'To Reconcile')]")))
        displayed(tab).click()
        cell = "//tr[td[@data-title='Note: ']]/td[@data-title='Reference: ']"
        wait.until(EC.visibility_of_any_elements_located((By.XPATH, cell)))
        time.sleep(1)  # the tab's list replaces the first one's
        row = displayed(driver.find_elements(By.XPATH, cell))
        reference = row.text
        open_row(driver, row)
        button = wait.until(EC.visibility_of_any_elements_located((By.XPATH,
                    "//button[normalize-space(.)='Reconciled by Hand']")))
        driver.save_screenshot(os.path.join(artifacts, 'to-reconcile.png'))
        displayed(button).click()
        wait.until(lambda d: self.record('ecom.payment.transaction',
                [('reference', '=', reference)], ['state'])['state']
            == 'manual')
