# xbridge: two commands on a machine with only Node.js + npm:
#   make run    start the gateway on config.example.toml
#   make test   run every test (unit, property, component, e2e, interop)
# Bun is used from PATH when present; otherwise the pinned version is installed through npm
# into .tools/ (no curl installers).

BUN_VERSION := $(shell cat .bun-version)
LOCAL_BUN   := .tools/node_modules/.bin/bun
SYSTEM_BUN  := $(shell command -v bun 2>/dev/null)
BUN         ?= $(if $(SYSTEM_BUN),$(SYSTEM_BUN),$(LOCAL_BUN))
CONFIG      ?= config.example.toml
TARGETS     := linux-x64 linux-arm64 darwin-x64 darwin-arm64 windows-x64

.PHONY: all bun deps run test test-unit test-interop lint typecheck check build dist bench demo peers clean

all: check test

# Bootstrap: the pinned Bun through npm, only when no bun is on PATH.
$(LOCAL_BUN):
	npm install --no-save --no-audit --no-fund --loglevel=error --prefix .tools bun@$(BUN_VERSION)

bun: $(if $(SYSTEM_BUN),,$(LOCAL_BUN))

node_modules/.installed: package.json bun.lock | bun
	$(BUN) install --frozen-lockfile
	@touch $@

deps: node_modules/.installed

run: deps
	$(BUN) run src/main.ts --config $(CONFIG)

test: deps
	$(BUN) test

test-unit: deps
	$(BUN) test --path-ignore-patterns 'test/interop/**'

test-interop: deps
	$(BUN) test test/interop

lint: deps
	$(BUN) run lint

typecheck: deps
	$(BUN) run typecheck

check: lint typecheck

build: deps
	$(BUN) build --compile --minify --sourcemap src/main.ts --outfile xbridge

dist: deps
	@mkdir -p dist
	@for t in $(TARGETS); do \
	  ext=""; [ "$$t" = windows-x64 ] && ext=".exe"; \
	  echo "building dist/xbridge-$$t$$ext"; \
	  $(BUN) build --compile --minify --target=bun-$$t src/main.ts --outfile dist/xbridge-$$t$$ext || exit 1; \
	done

bench: deps
	$(BUN) run bench/run.ts

# The echo demo: gateway on examples/echo.toml + examples/echo-app.ts. Dial
# sip:echo@127.0.0.1:5080 from a softphone on this machine and hear yourself one second later.
demo: deps
	@echo "xbridge demo: dial sip:echo@127.0.0.1:5080 from a softphone on this machine (Ctrl-C stops both)"
	@API_KEY=change-me PORT=3000 GATEWAY_URL=http://127.0.0.1:8080 $(BUN) run examples/echo-app.ts & app=$$!; \
	  trap 'kill $$app 2>/dev/null' EXIT INT TERM; \
	  $(BUN) run src/main.ts --config examples/echo.toml

# Debian packages the interop tests drive (sipp, baresip, kamailio, ffmpeg, sox, ...). Needs root.
peers:
	bash test/interop/install-peers.sh

clean:
	rm -rf dist xbridge xbridge.exe .tools node_modules
