"""Headless Chromium for the browser tests (Selenium + Debian's chromium and chromium-driver).

If the browser cannot start, the test fails with what to install: it never skips silently.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

INSTALL_HINT = (
    "브라우저 테스트에는 Chromium과 ChromeDriver가 필요합니다: "
    "sudo apt-get install chromium chromium-driver (Debian/Ubuntu), 그리고 pip install selenium "
    "(requirements.txt에 있음). .ci/run은 없으면 설치합니다."
)


def _find(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def start_chromium(width: int = 1280, height: int = 900):
    """Return a headless Chromium WebDriver that records the browser console."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:  # pragma: no cover - depends on the environment
        pytest.fail(f"selenium을 불러오지 못했습니다 ({exc}). {INSTALL_HINT}")
    binary = _find("chromium", "chromium-browser", "google-chrome")
    driver_path = _find("chromedriver")
    if binary is None or driver_path is None:
        pytest.fail(f"chromium={binary}, chromedriver={driver_path}. {INSTALL_HINT}")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",  # root in a container (CI); the page content is our own site
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        "--lang=ko-KR",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        return webdriver.Chrome(service=Service(driver_path), options=options)
    except Exception as exc:  # noqa: BLE001 - report any start-up failure with the hint
        pytest.fail(f"headless Chromium이 시작하지 않았습니다: {exc}. {INSTALL_HINT}")


def console_errors(driver) -> list[str]:
    """Browser console entries of level SEVERE since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(driver, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    return path
