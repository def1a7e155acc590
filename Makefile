# The two commands: `make up` (build and start the CDN here) and `make test` (build and run every test).
.PHONY: up test deps web build build-asan build-fuzz bench bench-router bench-usage format clean

JOBS ?= 2
RELEASE := build/release
ASAN := build/asan
FUZZ := build/fuzz
CMAKE_COMMON := -G Ninja -Wno-dev

up: build
	scripts/up.sh $(RELEASE)/apps/candela/candela

deps:
	scripts/install-deps.sh build web

# The web UI (web/dist, served by `candela portal --web-root web/dist`). `npm ci` runs when the
# lock file changed, the Vite build when a source changed; otherwise this is a no-op.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
  web/vite.config.ts web/tsconfig.json web/package.json
web: deps web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build

build: deps web
	cmake -S . -B $(RELEASE) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release \
	  -DCANDELA_EXTRA_CTEST_DIRS="$(CURDIR)/$(ASAN);$(CURDIR)/$(FUZZ)"
	cmake --build $(RELEASE) -j $(JOBS)

# Every unit and end-to-end test again, with the whole product under AddressSanitizer + UBSan.
build-asan: deps
	cmake -S . -B $(ASAN) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DCANDELA_SANITIZE=ON \
	  -DCANDELA_TEST_PREFIX=asan.
	cmake --build $(ASAN) -j $(JOBS)

# libFuzzer targets (clang), each run for a bounded time by CTest.
build-fuzz: deps
	CXX=clang++ cmake -S . -B $(FUZZ) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCANDELA_FUZZ=ON
	cmake --build $(FUZZ) -j $(JOBS)

# One CTest run covers release, sanitizer and fuzz builds and ends with CTest's summary.
test: build build-asan build-fuzz
	cd $(RELEASE) && ctest --output-on-failure -j $(JOBS) --timeout 600

bench: build
	scripts/install-deps.sh bench
	bench/run.sh $(RELEASE)/apps/candela/candela

# The router: HTTP decisions/s beside nginx, DNS answers/s beside Knot and NSD (docs/benchmarks.md).
bench-router: build
	scripts/install-deps.sh bench
	bench/router.sh $(RELEASE)/apps/candela/candela

# The usage store: ingestion rate and 30-day report latency (needs ~40 GB free for 90 days).
bench-usage: build
	bench/usage.sh $(RELEASE)/tests/candela_usage_bench

format:
	find apps src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
