#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need (Debian's NSD, the real authoritative DNS
# server the policy tests talk to, and Knot DNS, which serves zone differences as IXFR; FireHOL iprange, the
# reference the CIDR output is compared with, and the OpenSSH client, which scripts a session against the emulated
# router as an operator would; Prometheus, whose promtool lints the loop's /metrics and whose server scrapes it;
# rsyslog and util-linux's logger (bsdutils), the real syslog senders the log receiver is tested with, and
# tinyproxy, the HTTP CONNECT proxy with Basic auth the log upload goes through), the npm packages, then typecheck,
# lint, format check, build and the whole test suite (npm run check).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v nsd >/dev/null 2>&1 || [ -x /usr/sbin/nsd ] || need+=(nsd)
command -v knotd >/dev/null 2>&1 || [ -x /usr/sbin/knotd ] || need+=(knot)
command -v iprange >/dev/null 2>&1 || need+=(iprange)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v rsyslogd >/dev/null 2>&1 || [ -x /usr/sbin/rsyslogd ] || need+=(rsyslog)
command -v tinyproxy >/dev/null 2>&1 || [ -x /usr/bin/tinyproxy ] || need+=(tinyproxy)
command -v logger >/dev/null 2>&1 || need+=(bsdutils)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing test dependencies: ${need[*]}"
  $sudo apt-get update -qq
  # A system NSD or Knot (port 53), Prometheus (9090), rsyslog or tinyproxy the packages may start is not used: the
  # tests start their own on loopback ports.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

npm ci --no-audit --no-fund
npm run check

# One plain closing line for CI logs, from vitest's JSON report.
node -e 'const r = require("./test-results.json");
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);'
