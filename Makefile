# Skiff — build, test and demo. `make test` and `make demo` are all the set-up a fresh machine needs.
SWIFT ?= swift
BUILD_FLAGS ?=
SKIFF = .build/debug/skiff

PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: install container-check all build release test test-netlab demo deps fuzz sanitize bench-plan bench-router bench-router-deps bench-reconcile bench-mesh bench-console bench-channel schemas clean

all: build

# Installs what the build and the tests need when it is missing: libgit2 (through pkg-config),
# openssl, git (with git-daemon), curl, iperf3, socat, ps and setpriv for the tests, ip, tc and nft for the network lab,
# gpg/gpgv and ssh-keygen (signed commits), systemd-analyze (units), groff and man (man pages), tar (debug dumps),
# headless Chromium (the console's page),
# and Python's jsonschema + PyYAML for the schema cross-check.
deps:
	@missing=""; \
	pkg-config --exists libgit2 2>/dev/null || missing="$$missing libgit2-dev pkg-config"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	command -v git >/dev/null || missing="$$missing git"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v iperf3 >/dev/null || missing="$$missing iperf3"; \
	command -v socat >/dev/null || missing="$$missing socat"; \
	command -v ip >/dev/null && command -v tc >/dev/null || missing="$$missing iproute2"; \
	command -v nft >/dev/null || missing="$$missing nftables"; \
	command -v ps >/dev/null || missing="$$missing procps"; \
	command -v setpriv >/dev/null || missing="$$missing util-linux"; \
	command -v python3 >/dev/null || missing="$$missing python3 python3-pip"; \
	command -v gpg >/dev/null && command -v gpgv >/dev/null || missing="$$missing gpg gpgv"; \
	command -v ssh-keygen >/dev/null || missing="$$missing openssh-client"; \
	command -v systemd-analyze >/dev/null || missing="$$missing systemd"; \
	command -v groff >/dev/null || missing="$$missing groff-base"; \
	command -v man >/dev/null || missing="$$missing man-db"; \
	command -v tar >/dev/null || missing="$$missing tar"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@python3 -c 'import jsonschema, yaml' 2>/dev/null || python3 -m pip install --quiet jsonschema pyyaml \
		|| (SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); $$SUDO apt-get install -y -qq python3-jsonschema python3-yaml)

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

# The binary that ships: Swift's runtime and Foundation linked in (as the Containerfile builds it), so
# it runs where no Swift toolchain is (libgit2 and the system's C and C++ libraries suffice), and calls
# into the runtime (reference counting, exclusivity checks) skip a shared library's indirections:
# 5-7% less router CPU per new flow.
release: deps
	$(SWIFT) build -c release --product skiff --static-swift-stdlib $(BUILD_FLAGS)

# Installs the release binary under PREFIX (and DESTDIR for packages): bin/skiff, man pages
# generated from the command definitions, bash/zsh/fish completions, example systemd units.
install: release
	@scripts/install.sh .build/release/skiff $(PREFIX) $(DESTDIR)

# The Containerfile's runtime stage without a container engine (root; debootstrap, chroot).
container-check:
	@scripts/container-check.sh

# Builds everything (the CLI tests spawn the built binary) and runs the whole suite.
# The router tests open a thousand flows at once: raise the open-file limit where allowed.
test: build
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	ulimit -n 65536 2>/dev/null || ulimit -n $$(ulimit -Hn); $(SWIFT) test --skip-build $(BUILD_FLAGS)

# The network lab (Tests/SkiffNetlabTests): each site in a network namespace of its own, links
# partitioned, lossy, delayed or slow (nftables, tc, a delay relay), routers and daemons killed
# and restarted under load, a soak. Needs root (namespaces); says so and skips otherwise.
# SKIFF_SOAK_SECONDS sets the soak's length (default 600).
test-netlab: build
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	@if [ "$$(id -u)" -ne 0 ]; then echo "test-netlab: skipped: the lab makes network namespaces, which needs root"; exit 0; fi; \
	ulimit -n 65536 2>/dev/null || ulimit -n $$(ulimit -Hn); \
	SKIFF_NETLAB=1 $(SWIFT) test --skip-build --filter SkiffNetlabTests $(BUILD_FLAGS)

# The bundled example, as a user runs it: validate it and plan both sites, then plan a change.
demo: build
	@scripts/demo.sh $(SKIFF)

# Router data plane against direct TCP and a stunnel4 pair (release build), and skupper-router
# beside them with SKUPPER_ROUTER=DIR. Installs what is missing: iperf3, ab, nginx, stunnel4,
# strace (system calls per connection), and libwebsockets for skrouterd when SKUPPER_ROUTER is set.
bench-router: release bench-router-deps
	@scripts/bench-router.sh .build/release/skiff

bench-router-deps:
	@missing=""; \
	command -v iperf3 >/dev/null || missing="$$missing iperf3"; \
	command -v ab >/dev/null || missing="$$missing apache2-utils"; \
	command -v nginx >/dev/null || missing="$$missing nginx-light"; \
	command -v stunnel4 >/dev/null || missing="$$missing stunnel4"; \
	command -v strace >/dev/null || missing="$$missing strace"; \
	if [ -n "$(SKUPPER_ROUTER)" ] && ldd "$(SKUPPER_ROUTER)/bin/skrouterd" 2>/dev/null | grep -q "libwebsockets.*not found"; then \
		missing="$$missing libwebsockets17"; fi; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Commit-to-traffic time (webhook, polling) and no-change reconcile time with 1,000 services (release build).
bench-reconcile: release
	@scripts/bench-reconcile.sh .build/release/skiff

# Link-state routing with 50, 100 and 200 router processes in a random mesh: time to agree on the
# routes a shortest-path computation gives, messages per router; a router leaving and joining, a
# link flapping (release build; MESH_SIZES="20 50" for other sizes).
MESH_SIZES ?= 50 100 200
bench-mesh: release
	@scripts/bench-mesh.sh .build/release/skiff $(MESH_SIZES)

# The console: SUMMARY bytes per router with 50 routers and 1,000 services (idle and busy), and
# the console's first load over HTTP and in headless Chromium (release build).
bench-console: release
	@scripts/bench-console.sh .build/release/skiff

# What a NIO channel per connection costs a server, against raw sockets on an epoll set of its own,
# alone or handing each request to a NIO loop and back (scripts/channel-cost, a package of its
# own): connections/s and CPU per connection.
bench-channel: bench-router-deps
	@scripts/bench-channel.sh

# Times validate + plan on generated networks of 10, 1,000 and 10,000 resources (release build).
bench-plan: release
	@scripts/bench-plan.sh .build/release/skiff

# The whole suite under AddressSanitizer, then ThreadSanitizer, each in a build folder of its own;
# fails on any report from the test runner or from any process it starts (scripts/sanitize.sh).
sanitize: deps
	@scripts/sanitize.sh address
	@scripts/sanitize.sh thread

# Fuzzes each target (Tests/Fuzz) for FUZZ_RUNS executions under libFuzzer, in a build of its own
# (release, coverage-instrumented); minimises the corpus into Tests/Fuzz/Corpus, crashers into
# Tests/Fuzz/Crashers. `make fuzz FUZZ_RUNS=100000 FUZZ_TARGETS=link-session` for a short run.
FUZZ_RUNS ?= 1000000
FUZZ_TARGETS ?=
fuzz: deps
	$(SWIFT) build -c release --product skiff-fuzz --scratch-path .build-fuzz --sanitize fuzzer \
		-Xswiftc -enable-testing -Xswiftc -DSKIFF_LIBFUZZER $(BUILD_FLAGS)
	@scripts/fuzz.sh .build-fuzz/release/skiff-fuzz $(FUZZ_RUNS) $(FUZZ_TARGETS)

# Re-embeds Schemas/*.schema.json into the binary after editing them.
schemas:
	@scripts/embed-schemas.sh

clean:
	rm -rf .build
