# The two commands: `make up` (build and start the CDN here) and `make test` (build and run every test).
.PHONY: up test deps build build-asan build-fuzz bench format clean

JOBS ?= 2
RELEASE := build/release
ASAN := build/asan
FUZZ := build/fuzz
CMAKE_COMMON := -G Ninja -Wno-dev

up: build
	scripts/up.sh $(RELEASE)/apps/candela/candela

deps:
	scripts/install-deps.sh build

build: deps
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

format:
	find apps src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
