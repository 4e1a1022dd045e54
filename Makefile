# CrowdHeat — every developer task. `make test` and `make demo` set up a fresh Debian 12 machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# QGIS's own Python with the distribution's packages (Debian 12: shapely 1.8.5, numpy 1.24), the
# way analysts run the plugin after `apt install python3-shapely`; only what Debian lacks is added.
DISTRO_VENV := .venv-distro
DISTRO_PY := $(DISTRO_VENV)/bin/python
# The tests that plan, cut or share heat with shapely, run a second time on the distribution's.
DISTRO_TESTS := tests/core tests/algorithms/test_zones.py tests/algorithms/test_heat.py tests/gis/test_fences.py tests/test_city_scale.py
APT_PACKAGES := python3-qgis qgis-providers qgis xvfb python3-venv qttools5-dev-tools fonts-wqy-microhei postgresql-15-postgis-3 python3-shapely
export QT_QPA_PLATFORM ?= offscreen

.PHONY: help deps system venv translations update-translations test test-fast bench screenshots demo zip install run clean

# QGIS's default profile, where `make install` links the plugin.
QGIS_PROFILE ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/default
PLUGIN_LINK := $(QGIS_PROFILE)/python/plugins/crowdheat

help:
	@echo "make demo   install what is missing, then run both jobs on the simulators into demo-output/"
	@echo "make test   install what is missing (apt, venv, pip) and run every test"
	@echo "make zip    crowdheat.zip for the QGIS plugin repository"
	@echo "make install  link this folder into QGIS's default profile as the plugin 'crowdheat'"
	@echo "make run    start QGIS with the plugin on the demo project, pointed at the simulators"
	@echo "make bench  speed ratios measured side by side in one run (PART=ui, animation, …: one part)"
	@echo "make screenshots  refresh docs/screenshots from the real QGIS desktop under Xvfb"
	@echo "make update-translations  add new tr() strings to resources/i18n/*.ts"
	@echo "make clean  remove caches and the test profile"

deps: system venv translations

# Compiled translations (.qm) are built, not committed: lrelease comes with qttools5-dev-tools.
TS_FILES := $(wildcard resources/i18n/*.ts)
QM_FILES := $(TS_FILES:.ts=.qm)
translations: $(QM_FILES)

resources/i18n/%.qm: resources/i18n/%.ts
	lrelease -silent $< -qm $@

# After adding or changing tr("...") strings: add them to the .ts files, then translate them there.
update-translations: venv
	$(PY) tools/i18n.py update

# apt only when something is missing, so that a second run is quick and needs no network.
system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

venv: $(VENV)/.installed $(DISTRO_VENV)/.installed

$(VENV)/.installed: requirements-dev.txt
	test -x $(PY) || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(DISTRO_VENV)/.installed: requirements-distro.txt
	test -x $(DISTRO_PY) || /usr/bin/python3 -m venv --system-site-packages $(DISTRO_VENV)
	$(DISTRO_PY) -m pip install -q --disable-pip-version-check -r requirements-distro.txt
	touch $@

# The pure core first, alone, with QGIS's pytest plugins off: tests/core/conftest.py then fails any
# test that imports QGIS or Qt. Then everything else on real QGIS.
test: deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m pytest -p no:pytest_qgis -p no:pytest-qt tests/core
	$(PY) -m pytest tests --ignore=tests/core
	@echo "Again on QGIS's own Python with the distribution's shapely:"
	@$(DISTRO_PY) -c 'import shapely; print(shapely.__version__, shapely.__file__)'
	$(DISTRO_PY) -m pytest -p no:pytest_qgis -p no:pytest-qt tests/core
	$(DISTRO_PY) -m pytest $(filter-out tests/core,$(DISTRO_TESTS))

test-fast: deps
	$(PY) -m pytest tests -m "not slow"

bench: deps
	$(PY) bench/bench.py $(if $(PART),--part $(PART))

# The README's images come from the real-desktop test (QGIS under Xvfb).
screenshots: deps
	CROWDHEAT_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(PY) -m pytest tests/test_desktop.py
	$(PY) demo/run_demo.py > /dev/null
	cp demo-output/heat_three_hours.png docs/screenshots/heat-three-hours.png

demo: deps
	$(PY) demo/run_demo.py

zip: translations
	rm -f crowdheat.zip
	python3 tools/package.py crowdheat.zip

install: translations
	mkdir -p $(dir $(PLUGIN_LINK))
	@if [ -e "$(PLUGIN_LINK)" ] && [ ! -L "$(PLUGIN_LINK)" ]; then \
	  echo "$(PLUGIN_LINK) exists and is not a link: remove it first (an installed copy?)"; exit 1; fi
	ln -sfn $(CURDIR) $(PLUGIN_LINK)
	/usr/bin/python3 tools/enable_plugin.py $(QGIS_PROFILE)
	@echo "Installed: $(PLUGIN_LINK) -> $(CURDIR). s2sphere: see README, 'Installing into QGIS'."

# The simulators serve on fixed loopback ports while QGIS runs; both stop when QGIS quits.
# QGIS desktop needs a real display: the offscreen platform exported above for tests would crash it.
run: install
	test -f demo-output/crowdheat-demo.qgz || $(MAKE) demo
	$(PY) -m simulator --jike-port 8765 --baidu-port 8766 & sim=$$!; trap "kill $$sim" EXIT; sleep 1; \
	CROWDHEAT_JIKE_URL=http://127.0.0.1:8765 CROWDHEAT_JIKE_TOKEN=sim-jike-token-not-a-secret \
	CROWDHEAT_BAIDU_URL=http://127.0.0.1:8766/locapi/v2 CROWDHEAT_BAIDU_AK=sim-baidu-ak-not-a-secret \
	PYTHONPATH=$$($(PY) -c 'import site; print(site.getsitepackages()[0])') \
	env -u QT_QPA_PLATFORM qgis --nologo --profiles-path $(abspath $(QGIS_PROFILE)/../..) --profile $(notdir $(QGIS_PROFILE)) --project demo-output/crowdheat-demo.qgz

clean:
	rm -rf .qgis-settings .pytest_cache crowdheat.zip demo-output resources/i18n/*.qm
	find . -name __pycache__ -not -path "./$(VENV)/*" -exec rm -rf {} +
