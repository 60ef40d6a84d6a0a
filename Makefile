# PyTorch for AIoT — set-up, lab, test.
# `make lab` / `make test` build .venv on first use (or when requirements.txt changes).
# Use an already-prepared interpreter instead of .venv:  make test PYTHON=python3
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
STAMP     := $(VENV)/.installed
LATEST_VENV  := .venv-latest
LATEST_STAMP := $(LATEST_VENV)/.installed
LATEST_PY    := $(LATEST_VENV)/bin/python
# 버전을 보여 줄 핵심 패키지 (make test-latest가 출력)
STACK_PACKAGES := torch torchvision torchaudio torchao numpy pandas scikit-learn onnx onnxruntime onnxscript tensorboard jupyterlab
NOTEBOOK_DIRS := basics models training advanced aiot_applications
NB        ?= $(NOTEBOOK_DIRS)

ifeq ($(strip $(PYTHON)),)
PY    := $(VENV)/bin/python
SETUP := $(STAMP)
else
PY    := $(PYTHON)
SETUP :=
endif

BOOTSTRAP_PYTHON ?= $(shell command -v python3.11 || command -v python3)

.PHONY: help setup lab test test-latest versions unit notebooks execute lint format grade progress release solutions site site-serve tensorboard clean clean-all python-versions

help:  ## 이 도움말
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@echo ">> .venv를 만듭니다 (처음 한 번, 약 5 GB, 수 분)"
	@test -n "$(BOOTSTRAP_PYTHON)" || { echo "python3가 없습니다: Python 3.11-3.14를 설치하세요"; exit 1; }
	$(BOOTSTRAP_PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -r requirements.txt
	$(VENV)/bin/python -m pip install -q --no-deps -e .
	@touch $(STAMP)

setup: $(SETUP)  ## .venv 생성 + 의존성 + aiotkit 설치

# The newest releases that install here (requirements-latest.txt: lower bounds only), in their
# own environment. The stamp only follows requirements-latest.txt: `rm -rf .venv-latest` to
# resolve again later. A pip constraint file on the lab's build machines caps torch/torchvision.
$(LATEST_STAMP): requirements-latest.txt pyproject.toml
	@echo ">> .venv-latest를 만듭니다: 설치할 수 있는 가장 새로운 릴리스 (약 5 GB, 수 분)"
	@test -n "$(BOOTSTRAP_PYTHON)" || { echo "python3가 없습니다"; exit 1; }
	$(BOOTSTRAP_PYTHON) -m venv $(LATEST_VENV)
	$(LATEST_PY) -m pip install -q --upgrade pip
	$(LATEST_PY) -m pip install -q --upgrade --upgrade-strategy eager -r requirements-latest.txt
	$(LATEST_PY) -m pip install -q --no-deps -e .
	$(LATEST_PY) -m pip freeze --exclude-editable > $(LATEST_VENV)/versions.txt
	@touch $(LATEST_STAMP)

versions:  ## 두 환경(.venv, .venv-latest)의 핵심 패키지 버전
	@for py in $(sort $(PY) $(LATEST_PY)); do test -x $$py || continue; echo "== $$py"; \
	  $$py -m pip list --format=freeze 2>/dev/null | grep -iE '^($(subst $(eval) ,|,$(STACK_PACKAGES)))==' ; \
	  $$py -c 'import platform; print("python==" + platform.python_version())'; done

test-latest: $(LATEST_STAMP)  ## 같은 테스트를 가장 새로운 릴리스(.venv-latest)에서 (ruff 검사는 make test에서)
	@$(MAKE) --no-print-directory versions PY=$(LATEST_PY)
	$(LATEST_PY) -m pytest tests --nbval-lax --nbval-current-env --nbval-cell-timeout=600 $(NOTEBOOK_DIRS)

python-versions: $(SETUP)  ## 고정 버전의 휠이 있는 Python 버전 확인 (네트워크 필요) → .ci/python-versions.json
	$(PY) .ci/python_versions.py

# make lab LAB_DIR=폴더 LAB_PORT=8890 LAB_TOKEN=...  (tests/test_lab.py가 같은 줄로 띄웁니다)
# .jupyter/lab-settings/overrides.json: 저장소의 기본 설정 (뉴스 알림 끔; 홈 폴더에는 쓰지 않음)
LAB_DIR   ?= .
LAB_PORT  ?= 8888
LAB_TOKEN ?=
LAB_FLAGS = --no-browser --ip=127.0.0.1 --port=$(LAB_PORT) --notebook-dir=$(LAB_DIR) \
	--LabApp.app_settings_dir=$(CURDIR)/.jupyter/lab-settings \
	$(if $(LAB_TOKEN),--IdentityProvider.token=$(LAB_TOKEN),) \
	$(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(SETUP)  ## JupyterLab 실행 (저장소 루트, 브라우저 없이 URL 출력)
	$(PY) -m jupyterlab $(LAB_FLAGS)

lint: $(SETUP)  ## ruff check + ruff format --check (패키지, 테스트, 노트북)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(SETUP)  ## ruff로 코드 정리
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

unit: $(SETUP)  ## 단위 테스트, 노트북 구조 테스트, 실습 채점기 테스트
	$(PY) -m pytest tests

notebooks: $(SETUP)  ## 모든 노트북 실행 검증 (nbval, lax 모드)
	$(PY) -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=600 -p no:cacheprovider $(NB)

test: lint  ## 전체 테스트: ruff → 단위/구조/채점기 테스트 → 노트북(nbval)
	$(PY) -m pytest tests --nbval-lax --nbval-current-env --nbval-cell-timeout=600 $(NOTEBOOK_DIRS)

execute: $(SETUP)  ## 노트북을 새 커널에서 CPU로 다시 실행해 출력 저장 (NB=basics/01_... 로 하나만)
	AIOT_DEVICE=cpu $(PY) -m aiotkit.execute $(NB)

grade: $(SETUP)  ## 제출물 채점: make grade SUBMISSIONS=submissions/
	@test -n "$(SUBMISSIONS)" || { echo "SUBMISSIONS=폴더 를 지정하세요"; exit 2; }
	$(PY) -m aiotkit.grading $(SUBMISSIONS) --csv $(or $(CSV),grades.csv) --feedback $(or $(FEEDBACK),grades/feedback) $(GRADE_ARGS)

progress: $(SETUP)  ## 내 노트북의 실습 과제 진행 상황 (샌드박스 없이, 자기 점검용)
	$(PY) -m aiotkit.grading --progress .

release: $(SETUP)  ## 학생용 배포본 (정답 코드 없음): make release DEST=폴더/
	@test -n "$(DEST)" || { echo "DEST=폴더 를 지정하세요"; exit 2; }
	$(PY) -m aiotkit.release release $(DEST)

solutions: $(SETUP)  ## 풀이가 채워진 노트북을 실행해 artifacts/solutions/ 에 만듭니다 (마감 뒤 공개용)
	AIOT_DEVICE=cpu $(PY) -m aiotkit.release solutions $(or $(DEST),artifacts/solutions)

site: $(SETUP)  ## 강의 사이트: 저장된 출력 그대로, 네트워크 없이 → build/site (README가 첫 쪽)
	$(PY) -m aiotkit.site build

site-serve: $(SETUP)  ## 사이트 보기: http://127.0.0.1:8000 (PORT=로 바꿈)
	$(PY) -m aiotkit.site serve --port $(or $(PORT),8000)

tensorboard: $(SETUP)  ## TensorBoard (LOGDIR=artifacts 기본; 노트북의 로그는 artifacts/<노트북>/runs)
	$(PY) -m tensorboard.main --logdir $(or $(LOGDIR),artifacts) --host 127.0.0.1

clean:  ## 생성물 삭제 (.venv는 남김; make clean-all은 .venv까지)
	rm -rf runs checkpoints artifacts build .cache .pytest_cache .ruff_cache grades
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +

clean-all: clean
	rm -rf $(VENV) $(LATEST_VENV)
