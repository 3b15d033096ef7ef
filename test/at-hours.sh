#!/usr/bin/env bash
# Runs the suites with the system clock moved to two moments in Europe/Amsterdam, so a test that
# reads the wall clock for business time fails here instead of in CI at night:
#   sunday-night  the Sunday of this (ISO) week, 03:00: outside the sending hours, weekend
#   weekday-noon  the Wednesday of this week, 12:00: inside the sending hours
#
#   bash test/at-hours.sh                                 the plan `npm test` runs:
#                                                           sunday-night: test:unit, test:e2e, test:faults, test:security
#                                                           weekday-noon: test:unit, test:e2e (without the page sweep)
#   bash test/at-hours.sh <moment|both> -- <command…>     one command at one moment (or both)
#
# The clock is moved with Debian's faketime by a RELATIVE offset (real time + N seconds), carried
# through LD_PRELOAD and FAKETIME into every child: vitest, the app server, the embedded PostgreSQL
# and Chromium. An absolute "@date" would restart the clock at that moment in every process, and
# processes started later would disagree with those started earlier. Monotonic clocks stay real,
# so timers, timeouts and performance.now() keep working. Each command gets its own offset,
# computed just before it starts, so its "now" begins at the target moment.
set -euo pipefail
cd "$(dirname "$0")/.."

ZONE=Europe/Amsterdam

if ! command -v faketime >/dev/null 2>&1; then
  echo "at-hours: faketime is missing; install it with: apt-get install faketime" >&2
  exit 2
fi

# The target instant (Unix seconds) of a named moment, in this week of Europe/Amsterdam.
target_of() {
  local today weekday day
  today=$(TZ=$ZONE date +%F)
  weekday=$(TZ=$ZONE date +%u) # 1 = Monday … 7 = Sunday
  case "$1" in
    sunday-night) day=$(date -d "$today + $((7 - weekday)) days" +%F) && TZ=$ZONE date -d "$day 03:00" +%s ;;
    weekday-noon) day=$(date -d "$today + $((3 - weekday)) days" +%F) && TZ=$ZONE date -d "$day 12:00" +%s ;;
    *)
      echo "at-hours: unknown moment '$1' (sunday-night, weekday-noon or both)" >&2
      return 2
      ;;
  esac
}

# Runs "$@" with the clock starting at the moment $1.
at_moment() {
  local moment=$1 target offset sign seen
  shift
  target=$(target_of "$moment")
  offset=$((target - $(date +%s)))
  sign=+
  if ((offset < 0)); then sign=-; offset=$((-offset)); fi
  export FAKETIME_DONT_FAKE_MONOTONIC=1
  # Refuse to run when the clock did not move (a faketime that silently does nothing proves nothing).
  seen=$(faketime -f "$sign${offset}s" date +%s)
  if ((seen < target - 5 || seen > target + 5)); then
    echo "at-hours: faketime did not move the clock (wanted $target, got $seen)" >&2
    return 2
  fi
  echo
  echo "=== at-hours: $moment: $(TZ=$ZONE date -d "@$target" '+%A %F %H:%M %Z') (offset $sign${offset}s): $*"
  faketime -f "$sign${offset}s" "$@"
}

# The vitest config of each stage. The suites that start the built app (e2e, faults, security)
# build it themselves when run alone (`npm run test:e2e`); the whole plan builds once up front
# and runs vitest directly, so the six stages do not rebuild the same app four times.
config_of() {
  case "$1" in
    test:unit) echo test/vitest.config.ts ;;
    test:e2e) echo test/e2e/vitest.config.ts ;;
    test:faults) echo test/faults/vitest.config.ts ;;
    test:security) echo test/security/vitest.config.ts ;;
    *)
      echo "at-hours: unknown stage '$1'" >&2
      return 2
      ;;
  esac
}

# Runs each stage at the moment, stopping at the first failure. A stage may carry vitest options
# after a colon: test:e2e:--exclude=<glob>.
stages_at() {
  local moment=$1 stage config options
  shift
  for stage in "$@"; do
    options=()
    if [[ $stage == test:*:* ]]; then
      options=("${stage#test:*:}")
      stage=${stage%%:--*}
    fi
    config=$(config_of "$stage")
    if ! at_moment "$moment" npx --no-install vitest run --config "$config" "${options[@]}"; then
      echo "at-hours: FAILED: $stage at $moment" >&2
      return 1
    fi
  done
}

if (($# == 0)); then
  npx --no-install remix build
  stages_at sunday-night test:unit test:e2e test:faults test:security
  # The page sweep (every page × phone/laptop × nl/en: axe, console, translations) checks nothing
  # that depends on the hour, and is the longest e2e file: once, at the first moment, is enough.
  stages_at weekday-noon test:unit "test:e2e:--exclude=test/e2e/sweep.e2e.test.ts"
  echo "at-hours: every stage passed at both moments"
  exit 0
fi

moment=$1
shift
if [[ ${1:-} != -- ]] || (($# < 2)); then
  echo "usage: bash test/at-hours.sh [<sunday-night|weekday-noon|both> -- <command…>]" >&2
  exit 2
fi
shift
if [[ $moment == both ]]; then
  # Both moments even when the first fails: which of the two fails tells what depends on the hour.
  status=0
  at_moment sunday-night "$@" || status=1
  at_moment weekday-noon "$@" || status=1
  exit $status
else
  at_moment "$moment" "$@"
fi
