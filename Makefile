# One command sets up and runs the app, one sets up and runs the tests. Every target installs
# what it needs: system packages (when root; otherwise it prints the apt line and stops), a .venv
# with the pinned wheels, the torchaudio CPU workaround, and the generated sample video.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SAMPLE := resources/sample/sample.mp4
VIDEO ?=
PYTEST_ARGS ?=

APT_PACKAGES := ffmpeg espeak-ng xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 \
	libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon0 libxkbcommon-x11-0 \
	libx11-xcb1 libegl1 libgl1 libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6 libpulse0 \
	fonts-dejavu-core

export QT_XCB_GL_INTEGRATION ?= none

.PHONY: run test bench bench-meta bench-fewshot setup system-deps sample clean

run: setup
	$(VENV)/bin/vidmeta $(if $(VIDEO),"$(VIDEO)",$(SAMPLE))

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) tests/benchmarks/bench_startup.py
	$(PY) tests/benchmarks/bench_media.py
	$(PY) tests/benchmarks/bench_features.py
	$(PY) tests/benchmarks/bench_whisper.py

bench-meta: setup
	$(PY) tests/benchmarks/bench_meta.py

bench-fewshot: setup
	$(PY) tests/benchmarks/bench_fewshot.py

setup: system-deps $(STAMP) $(SAMPLE)

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing system packages: $$missing"; \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
		else \
			echo "vidmeta needs these system packages. Install them, then run make again:"; \
			echo "  sudo apt-get update && sudo apt-get install -y $$missing"; \
			exit 1; \
		fi; \
	fi

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[test]"
	$(PY) packaging/torchaudio_cpu_fix.py
	touch $(STAMP)

sample: $(SAMPLE)

$(SAMPLE): resources/make_sample.sh
	bash resources/make_sample.sh $(SAMPLE)

clean:
	rm -rf $(VENV) resources/sample build .pytest_cache
