"""JupyterLab in a real browser: `make lab` on a copy of basics/04, run all cells in Chromium.

Checks what a new student sees: no error output, tqdm bars render as widgets (not "Error
displaying widget" / "IProgress not found"), plots appear, the exercise verdicts print, and the
news pop-up is off (the repository's overrides.json applies). The server runs on a temporary
copy, so JupyterLab never autosaves over the repository's notebooks; it is stopped at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import console_errors, screenshot, start_chromium

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "basics/04_training_validation_loop.ipynb"
SCREENSHOT = ROOT / "build" / "screenshots" / "lab_basics_04.png"
RUN_TIMEOUT_S = 15 * 60  # the whole notebook on a loaded machine
START_TIMEOUT_S = 180
EXERCISES = ("[basics/04 실습 1]", "[basics/04 실습 2]", "[basics/04 실습 3]")
WIDGET_ERRORS = ("Error displaying widget", "IProgress not found")

# One poll of the page: prompts still running, progress widgets, widget errors, outputs.
PAGE_STATE_JS = """
const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
if (!nb) return null;
const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(
  p => p.textContent.trim());
const text = nb.innerText;
return {
  prompts: prompts,
  widgetViews: nb.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length,
  progress: nb.querySelectorAll('.jp-OutputArea-output .widget-hprogress').length,
  widgetErrors: text,
  errors: [...nb.querySelectorAll('[data-mime-type="application/vnd.jupyter.error"]')].map(
    e => e.innerText.slice(0, 2000)),
  stderr: [...nb.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')].map(
    e => e.innerText.slice(0, 2000)),
  images: [...nb.querySelectorAll('.jp-RenderedImage img')].map(img => img.naturalWidth),
};
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - localhost only
        return json.load(response)


def _request(url: str, method: str) -> None:
    request = urllib.request.Request(url, method=method)  # noqa: S310 - localhost only
    try:
        urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
    except OSError:
        pass


@pytest.fixture
def lab_server(tmp_path):
    """`make lab` on a temporary copy of basics/04; yields (base_url, token)."""
    lab_dir = tmp_path / "lab"
    (lab_dir / "basics").mkdir(parents=True)
    shutil.copy(ROOT / NOTEBOOK, lab_dir / NOTEBOOK)
    # the user's own settings, workspaces and runtime files stay out of the test (and untouched)
    user_settings = tmp_path / "user-settings"
    tracker = user_settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))  # every cell in the DOM
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(user_settings),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        AIOT_DEVICE="cpu",
    )
    port, token = _free_port(), secrets.token_hex(16)
    log_path = tmp_path / "lab.log"
    command = [
        "make",
        "--no-print-directory",
        "-C",
        str(ROOT),
        "lab",
        f"PYTHON={sys.executable}",
        f"LAB_DIR={lab_dir}",
        f"LAB_PORT={port}",
        f"LAB_TOKEN={token}",
    ]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own Makefile
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"make lab가 끝났습니다 (rc={server.returncode}):\n{log_path.read_text()}"
                )
            try:
                _get_json(f"{base}/api/status?token={token}")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"JupyterLab이 {START_TIMEOUT_S}초 안에 뜨지 않았습니다:\n{log_path.read_text()}"
                    )
                time.sleep(1)
        yield base, token
    finally:
        _stop_server(server, base, token)


def _stop_server(server: subprocess.Popen, base: str, token: str) -> None:
    """Shut the kernels and the server down; kill by pid whatever is left."""
    import psutil

    try:
        processes = psutil.Process(server.pid).children(recursive=True)
    except psutil.Error:
        processes = []
    try:
        for kernel in _get_json(f"{base}/api/kernels?token={token}"):
            _request(f"{base}/api/kernels/{kernel['id']}?token={token}", "DELETE")
    except (OSError, ValueError):
        pass
    _request(f"{base}/api/shutdown?token={token}", "POST")
    try:
        os.killpg(
            server.pid, signal.SIGTERM
        )  # make and the server (kernels have their own session)
    except ProcessLookupError:
        pass
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    _, alive = psutil.wait_procs(processes, timeout=15)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            pass


def test_news_popup_is_off(lab_server):
    base, token = lab_server
    setting = _get_json(
        f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={token}"
    )
    assert setting["schema"]["properties"]["fetchNews"]["default"] == "false", setting["schema"]


def _run_all_cells(driver, wait) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    run_menu = wait.until(
        ec.element_to_be_clickable(
            (By.XPATH, "//div[contains(@class,'lm-MenuBar-itemLabel') and text()='Run']")
        )
    )
    run_menu.click()
    wait.until(
        ec.element_to_be_clickable(
            (
                By.XPATH,
                "//li[contains(@class,'lm-Menu-item')]"
                "[.//div[contains(@class,'lm-Menu-itemLabel') and text()='Run All Cells']]",
            )
        )
    ).click()


def test_basics_04_runs_in_jupyterlab(lab_server):
    from selenium.webdriver.support.ui import WebDriverWait

    base, token = lab_server
    driver = start_chromium(width=1400, height=1000)
    try:
        driver.get(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
        wait = WebDriverWait(driver, START_TIMEOUT_S)
        # the kernel is ready when the toolbar's kernel status says idle
        wait.until(
            lambda d: d.execute_script(
                "const s = document.querySelector('.jp-NotebookPanel .jp-Notebook');"
                "return s && s.querySelectorAll('.jp-CodeCell').length > 0;"
            )
        )
        wait.until(
            lambda d: (
                _get_json(f"{base}/api/kernels?token={token}")
                and all(
                    k["execution_state"] == "idle"
                    for k in _get_json(f"{base}/api/kernels?token={token}")
                )
            )
        )
        _run_all_cells(driver, wait)

        max_progress, max_views, seen_widget_errors, state, done = 0, 0, set(), None, False
        deadline = time.monotonic() + RUN_TIMEOUT_S
        started = time.monotonic()
        while time.monotonic() < deadline:
            state = driver.execute_script(PAGE_STATE_JS)
            if state is not None:
                max_progress = max(max_progress, state["progress"])
                max_views = max(max_views, state["widgetViews"])
                seen_widget_errors |= {e for e in WIDGET_ERRORS if e in state["widgetErrors"]}
                done = state["prompts"] and all(
                    p.strip("[]:").strip().isdigit() for p in state["prompts"]
                )
                traceback = any("Traceback" in e for e in state["stderr"])
                if done or state["errors"] or traceback:
                    break
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        assert state is not None, "노트북이 열리지 않았습니다"
        assert not state["errors"], "오류 출력:\n" + "\n---\n".join(state["errors"])
        assert done, f"{RUN_TIMEOUT_S}초 안에 끝나지 않았습니다: prompts={state['prompts']}"
        assert not state["stderr"], "stderr 출력:\n" + "\n---\n".join(state["stderr"])
        assert not seen_widget_errors, f"위젯 오류: {sorted(seen_widget_errors)}"
        assert max_progress >= 1, (
            f"진행 막대(tqdm) 위젯이 보이지 않았습니다 (위젯 출력 {max_views}개)"
        )
        images = state["images"]
        assert len(images) >= 4 and all(width > 0 for width in images), images
        text = state["widgetErrors"]
        for exercise in EXERCISES:
            assert exercise in text, f"실습 판정 {exercise}이 출력되지 않았습니다"
        severe = [m for m in console_errors(driver) if "favicon" not in m]
        print(
            f"run all: {elapsed:.0f} s, {len(state['prompts'])} code cells, "
            f"{len(images)} images, progress widgets seen: {max_progress}, "
            f"console errors: {len(severe)}, screenshot: {SCREENSHOT.relative_to(ROOT)}"
        )
    finally:
        screenshot(driver, SCREENSHOT)
        driver.quit()
