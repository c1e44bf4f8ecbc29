# pair NAME1 CMD1... -- NAME2 CMD2...: run two suites side by side, each in its own pytest
# temporary folder, print each one's output when both have ended, fail if either failed.
pair() {
  local name1=$1; shift
  local -a cmd1=()
  while [[ $1 != -- ]]; do cmd1+=("$1"); shift; done
  shift
  local name2=$1; shift
  local out; out=$(mktemp -d)
  local started=$SECONDS
  PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} --basetemp=$out/tmp1" "${cmd1[@]}" >"$out/1.log" 2>&1 &
  local p1=$!
  PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} --basetemp=$out/tmp2" "$@" >"$out/2.log" 2>&1 &
  local p2=$!
  local rc1=0 rc2=0
  wait $p1 || rc1=$?
  wait $p2 || rc2=$?
  echo "== $name1 (exit $rc1)"; cat "$out/1.log"
  echo "== $name2 (exit $rc2)"; cat "$out/2.log"
  echo "== both in $((SECONDS - started)) s"
  rm -rf "$out"
  [[ $rc1 == 0 && $rc2 == 0 ]]
}
