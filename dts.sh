#!/usr/bin/env bash
# Dts.Web entry point: installs what the testbed needs, builds Release, then
#   ./dts.sh demo [args]     run the demo (dts demo)
#   ./dts.sh test            run dts doctor (a FAIL stops here), then every test project; prints
#                            "tests: P passed, F failed, S skipped"
#   ./dts.sh doctor [--netns NAME] [--vip ADDRESS]   check this machine (or a node's namespace) for what a node needs
#   ./dts.sh bench [args]    run the benchmarks (dts bench)
#   ./dts.sh <anything else> passed to dts, e.g. ./dts.sh testbed up --nodes 3, ./dts.sh status,
#                            ./dts.sh testbed node stop|kill|start <run-id> n2
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
readonly DTS_DLL=src/Dts.Cli/bin/Release/net10.0/dts.dll
readonly PACKAGES=(iproute2 nftables iptables libnftables1 libnetfilter-queue1 libpcap0.8 curl wrk tcpdump etcd-server etcd-client
                   nginx-light gcc libc6-dev ca-certificates procps chromium)
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

die() { echo "dts.sh: $*" >&2; exit 1; }

require_environment() {
    [[ ${EUID} -eq 0 ]] || die "must run as root (the testbed creates network namespaces); try: sudo $0 $*"
    command -v dotnet >/dev/null || die "dotnet not found on PATH (needs the .NET SDK pinned in global.json)"
}

install_packages() {
    local missing=() pkg
    for pkg in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q 'install ok installed' || missing+=("${pkg}")
    done
    if ((${#missing[@]} > 0)); then
        echo "dts.sh: installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

build() {
    echo "dts.sh: building Dts.Web.sln (Release)" >&2
    dotnet build Dts.Web.sln -c Release -nologo -v quiet -clp:NoSummary \
        || die "build failed (errors above)"
}

dts() { dotnet "${DTS_DLL}" "$@"; }

# Sums the per-project summary lines of dotnet test's console output in $1
# ("Passed!  - Failed: 0, Passed: 25, Skipped: 1, Total: 26, ...") into "tests: P passed, F failed, S skipped".
summarize() {
    { grep -aE '^\s*(Passed|Failed)!\s+- Failed:' "$1" || true; } | awk -F'[:,]' '
        { failed += $2; passed += $4; skipped += $6 }
        END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }'
}

run_tests() {
    local results rc summary passed failed
    # The doctor first: a machine that lacks a kernel feature fails here, with the fix, not in a hundred tests.
    dts doctor || die "the doctor found a FAIL (above); fix the machine, then run the tests again"
    results=$(mktemp -d /tmp/dts-test-results.XXXXXX)
    dts testbed down --leftovers >/dev/null || true
    set +e
    dotnet test Dts.Web.sln -c Release --no-build --results-directory "${results}" \
        --logger trx --logger "console;verbosity=minimal" \
        --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "${results}/console.log"
    rc=${PIPESTATUS[0]}
    set -e
    dts testbed down --leftovers >/dev/null || true

    summary=$(summarize "${results}/console.log")
    [[ -n ${summary} ]] || summary="tests: 0 passed, 0 failed, 0 skipped"
    echo "${summary}"
    read -r passed failed < <(sed -E 's/tests: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' <<<"${summary}")
    if ((failed > 0 || rc != 0)); then
        echo "dts.sh: tests failed (dotnet test exit ${rc}); results in ${results}" >&2
        exit 1
    fi
    rm -rf "${results}"
    ((passed > 0)) || die "no test ran"
}

main() {
    local command=${1:-}
    require_environment "$@"
    install_packages
    build
    case "${command}" in
        demo | bench) shift; dts "${command}" "$@" ;;
        test) run_tests ;;
        "") dts --help ;;
        *) dts "$@" ;;
    esac
}

main "$@"
