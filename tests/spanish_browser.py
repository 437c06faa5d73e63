"""The back office in Spanish (mixed into the demo browser test, sharing its
demo and server): every menu entry of ours translated, and sao shows it."""
import glob
import os
import shutil
import time

import polib

from tests.server import ROOT

# Entries whose Spanish is the English word (brand names and the like).
SAME_IN_SPANISH = {'CSV', 'SMS', 'Shopify', 'WooCommerce', 'Webhook'}


def chromium(tmp, profile='chromium'):
    """Headless Chromium through chromedriver (Debian packages), with a
    profile of its own: sao keeps its session in the profile"""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which('chromium')
    for argument in ['--headless=new', '--no-sandbox', '--disable-gpu',
            '--disable-background-networking', '--disable-dev-shm-usage',
            '--disable-component-update', '--disable-sync',
            '--no-first-run', '--window-size=1400,900',
            f'--user-data-dir={tmp}/{profile}']:
        options.add_argument(argument)
    return webdriver.Chrome(
        service=Service(shutil.which('chromedriver')), options=options)


def log_in(driver, login, password, seconds=120):
    """Fill sao's login dialog (the database of the URL where the server
    lists none), then its password dialog. An Enter pressed
    before sao has bound the dialog's submit reloads the page (seen on a
    loaded CI machine: the password dialog never came): the login is
    entered again until the password dialog shows"""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    def visible(what, seconds=15):
        return WebDriverWait(driver, seconds).until(
            EC.visibility_of_element_located((By.CSS_SELECTOR, what)))

    def database_field(driver):
        "sao shows a list of databases, or a field when the server lists none"
        for field in driver.find_elements(By.CSS_SELECTOR, '#database'):
            if field.is_displayed():
                return field
    deadline = time.monotonic() + seconds
    database = driver.current_url.partition('#')[2].split('/', 1)[0]
    while True:
        try:
            field = WebDriverWait(driver, 15).until(database_field)
            if field.tag_name == 'input' and not field.get_attribute('value'):
                field.send_keys(database)
            field = visible('#login')
            if field.get_attribute('value') != login:
                field.clear()
                field.send_keys(login)
            field.send_keys(Keys.ENTER)
            visible('input[type=password]').send_keys(password, Keys.ENTER)
            return
        except WebDriverException:  # timed out, stale, disabled field
            if time.monotonic() > deadline:
                raise


def open_menu(driver, wait, url, login, password, root, entries,
        screenshot):
    "Log in through sao, expand the root menu, see its entries, screenshot"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    def visible(how, what):
        return wait.until(EC.visibility_of_element_located((how, what)))
    driver.get(url)
    log_in(driver, login, password)
    visible(By.XPATH, f"//tr[.//*[normalize-space(text())='{root}']]"
        ).find_element(By.CSS_SELECTOR, '.expander').click()
    for name in entries:
        visible(By.XPATH, f"//tr//*[normalize-space(text())='{name}']")
    os.makedirs(os.path.dirname(screenshot), exist_ok=True)
    driver.save_screenshot(screenshot)


def spanish_menus():
    "English name -> Spanish name of each menu entry in our locale/es.po"
    names = {}
    for path in glob.glob(os.path.join(ROOT, 'addons', '*', 'locale',
                'es.po')):
        for entry in polib.pofile(path):
            if entry.msgctxt.startswith('model:ir.ui.menu,name:'):
                names[entry.msgid] = entry.msgstr
    return names


class SpanishBrowserTests:

    def menus(self, session, root):
        """Name of each menu entry under the E-commerce root, as sao reads
        them: in the context of the user's preferences (their language)"""
        context = self.server.rpc('model.res.user.get_preferences', True,
            {}, session=session)
        names, parents = {}, [root]
        while parents:
            found = self.server.rpc('model.ir.ui.menu.search_read', [
                    ('parent', 'in', parents)], 0, None, None, ['name'],
                context, session=session)
            names.update((m['id'], m['name']) for m in found)
            parents = [m['id'] for m in found]
        return names

    def test_back_office_in_spanish(self):
        "A Spanish user's menu has no English entry of ours, in sao too"
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        from tests.test_demo_browser import ARTIFACTS, PASSWORD
        admin = self.server.login('admin', PASSWORD)
        root, = self.server.rpc('model.ir.ui.menu.search', [
                ('name', '=', "E-commerce"), ('parent', '=', None)],
            0, None, None, {}, session=admin)
        english = self.menus(admin, root)
        spanish = self.menus(self.server.login('empleado', PASSWORD), root)
        translations = spanish_menus()
        self.assertGreaterEqual(len(spanish), 30)
        untranslated = sorted(name for id_, name in spanish.items()
            if name == english[id_] and name not in SAME_IN_SPANISH)
        self.assertEqual(untranslated, [])
        for id_, name in spanish.items():
            self.assertEqual(name, translations.get(english[id_], name))
        top = [n for n in spanish.values() if n in {
                "Catálogo", "Pedidos", "Clientes", "Informes"}]
        self.assertGreaterEqual(len(top), 2, spanish)

        driver = chromium(self.tmp, 'chromium-es')
        # sao re-renders lists while a wait looks at them (PostgreSQL CI)
        wait = WebDriverWait(driver, 120, ignored_exceptions=(
            StaleElementReferenceException,))
        try:
            open_menu(driver, wait, self.server.url + '#' + self.database,
                'empleado', PASSWORD, "Comercio electrónico", top,
                os.path.join(ARTIFACTS, 'ecommerce-menu-es.png'))
        finally:
            driver.quit()
