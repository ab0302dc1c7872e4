"""Headless Chromium for the stepper page's tests: one browser a session, a fresh tab a test.

Debian's ``chromium`` and ``chromium-driver`` (``make test`` installs them) are driven
by Selenium with both paths given, so Selenium never looks for or downloads a browser.
Without them the tests skip, saying what to install; in CI (``CI`` set) they fail.
Test modules use them with ``pytest_plugins = ["tests.browser_fixtures"]``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
]
NO_BROWSER = (
    "no browser: the stepper's browser tests need Debian's chromium and chromium-driver "
    "(make test installs them; or: sudo apt-get install chromium chromium-driver)"
)


def _find(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name) or (name if Path(name).is_file() else None)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium for the whole session, with its console log kept."""
    chromium = _find("chromium", "/usr/lib/chromium/chromium")
    driver_path = _find("chromedriver", "/usr/lib/chromium/chromedriver")
    if chromium is None or driver_path is None:
        if os.environ.get("CI"):
            pytest.fail(NO_BROWSER + "; in CI they must run")
        pytest.skip(NO_BROWSER)
    os.environ["SE_AVOID_STATS"] = "true"  # Selenium sends no usage statistics
    from selenium import webdriver  # a dev extra
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    """A fresh tab for one test; closed afterwards, its console log drained."""
    home = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get_log("browser")  # start from an empty log
    try:
        yield browser
    finally:
        browser.close()
        browser.switch_to.window(home)
